import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../errors/app-error.js';
import { hasRole, type AuthRule, type Principal } from './principal.js';
import { createTokenSigner, type TokenSigner } from './tokens.js';
import { TtlCache } from './ttl-cache.js';
import { endUserSessions, SESSION_COOKIE } from './sessions.js';
import { apiKeyPrincipal, lookupApiKey, type ApiKeyRecord } from './api-key-principal.js';
import type { Role } from '../accounts/accounts-tables.js';

declare module 'fastify' {
  interface FastifyInstance {
    tokens: TokenSigner;
    /** Revokes every session of a user (roles changed, account disabled). */
    endUserSessions(userId: string): Promise<void>;
    credentialCache: {
      forgetSession(id: string): void;
      forgetApiKey(prefix: string): void;
      forgetAgent(id: string): void;
      /** Hears of every credential this process ended or changed (a session, an API key, an agent client); returns the unsubscribe. */
      onForget(listener: (forgotten: Forgotten) => void): () => void;
    };
    /**
     * Whether a caller admitted earlier may still act as admitted: the session, key or agent client is
     * still valid and its roles are the same. For what outlives one request (an event stream).
     */
    credentialStillValid(principal: Principal): Promise<boolean>;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** `false`: no sign-in needed. Otherwise who may call (default: any signed-in user or API key). */
    auth?: AuthRule | false;
    /** Also take `Authorization: Basic` with the API key or access token as the password (Git's smart HTTP clients send nothing else). */
    basicAuth?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Forgotten = { kind: 'session'; id: string } | { kind: 'api-key'; prefix: string } | { kind: 'agent'; id: string };

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((role) => b.includes(role));
/**
 * How long a credential check is reused. Every process keeps its own cache and nothing tells another
 * process that a user was demoted or disabled, so this is the longest a change takes to apply anywhere.
 */
export const CREDENTIAL_CACHE_MS = 5_000;

/** Routes outside /api (docs, metrics, health, the web UI's files) are public unless they say otherwise. */
function ruleOf(request: FastifyRequest): AuthRule | false {
  const rule = request.routeOptions.config?.auth;
  if (rule !== undefined) return rule;
  return request.routeOptions.url?.startsWith('/api/') ? {} : false;
}

/**
 * Who is calling: a bearer JWT (users and agents), an API key (`Authorization: Bearer mpk_…` or
 * `X-API-Key`), or the web UI's httpOnly session cookie (then unsafe methods need the CSRF token).
 * Then each route's `config.auth` rule decides whether that caller may go on.
 */
export default fp(
  async function authentication(app: FastifyInstance) {
    app.decorate('tokens', createTokenSigner(app.config.jwtSecret!));
    // Sessions and keys are read together with their user's current status and roles: a demotion or a
    // disabled account applies within CREDENTIAL_CACHE_MS in every process, whatever the token says.
    const sessions = new TtlCache<{ active: boolean; roles: Role[] }>(CREDENTIAL_CACHE_MS);
    const apiKeys = new TtlCache<ApiKeyRecord>(CREDENTIAL_CACHE_MS);
    const agents = new TtlCache<{ active: boolean; ownerActive: boolean }>(CREDENTIAL_CACHE_MS);
    const listeners = new Set<(forgotten: Forgotten) => void>();
    const tell = (forgotten: Forgotten) => {
      for (const listener of listeners) listener(forgotten);
    };
    app.decorate('credentialCache', {
      forgetSession: (id: string) => (sessions.delete(id), tell({ kind: 'session', id })),
      forgetApiKey: (prefix: string) => (apiKeys.delete(prefix), tell({ kind: 'api-key', prefix })),
      forgetAgent: (id: string) => (agents.delete(id), tell({ kind: 'agent', id })),
      onForget: (listener: (forgotten: Forgotten) => void) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    });
    app.decorate('endUserSessions', (userId: string) => endUserSessions(app, userId));
    app.decorateRequest('principal', null);

    /** A refused credential of a known organisation: its audit entry goes to that organisation's chain. */
    function refusing(request: FastifyRequest, orgId: string, credential: string, id: string): void {
      request.auditInfo = { orgId, details: { credential, credentialId: id } };
    }

    async function fromApiKey(request: FastifyRequest, value: string): Promise<Principal> {
      const lookup = async (prefix: string) => {
        let row = apiKeys.get(prefix);
        if (!row) {
          row = await lookupApiKey(app.db, prefix);
          apiKeys.set(prefix, row);
        }
        return row;
      };
      return apiKeyPrincipal(value, lookup, (row) => refusing(request, row.orgId, 'api-key', row.id));
    }

    async function agentState(id: string) {
      let agent = agents.get(id);
      if (agent === undefined) {
        const row = await app.db.selectFrom('agent_clients').leftJoin('users', 'users.id', 'agent_clients.created_by').select(['agent_clients.revoked_at', 'agent_clients.created_by', 'users.status']).where('agent_clients.id', '=', id).executeTakeFirst();
        agent = { active: !!row && !row.revoked_at, ownerActive: !row?.created_by || row.status === 'active' };
        agents.set(id, agent);
      }
      return agent;
    }

    async function sessionState(sessionId: string, userId: string) {
      let session = sessions.get(sessionId);
      if (session === undefined) {
        const row = await app.db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').select(['sessions.revoked_at', 'sessions.expires_at', 'users.status', 'users.roles']).where('sessions.id', '=', sessionId).where('sessions.user_id', '=', userId).executeTakeFirst();
        session = { active: !!row && !row.revoked_at && new Date(row.expires_at) > new Date() && row.status === 'active', roles: row?.roles ?? [] };
        sessions.set(sessionId, session);
      }
      return session;
    }

    app.decorate('credentialStillValid', async (principal: Principal) => {
      if (principal.kind === 'agent') {
        const agent = await agentState(principal.id);
        return agent.active && agent.ownerActive;
      }
      if (principal.kind === 'api-key') {
        const key = await lookupApiKey(app.db, principal.id, 'id');
        return key.active && key.ownerActive && sameRoles(key.roles, principal.roles);
      }
      if (!principal.sessionId) return false;
      const session = await sessionState(principal.sessionId, principal.id);
      return session.active && sameRoles(session.roles, principal.roles);
    });

    async function fromJwt(request: FastifyRequest, token: string, via: 'bearer' | 'cookie'): Promise<Principal> {
      const claims = await app.tokens.verify(token);
      const [kind, id] = claims.sub.split(':');
      if (kind === 'agent' && id) {
        const agent = await agentState(id);
        if (!agent.active || !agent.ownerActive) refusing(request, claims.org, 'agent', id);
        if (!agent.active) throw new UnauthorizedError('This agent client was revoked; enrol the agent again.', 'AGENT_REVOKED');
        if (!agent.ownerActive) throw new UnauthorizedError('The account that created this agent client is disabled; an admin must enrol the agent again.', 'AGENT_OWNER_DISABLED');
        return { kind: 'agent', orgId: claims.org, id, userId: null, roles: [], via };
      }
      if (kind !== 'user' || !id || !claims.sid) throw new UnauthorizedError('The token is invalid; sign in again.', 'TOKEN_INVALID');
      const session = await sessionState(claims.sid, id);
      if (!session.active) refusing(request, claims.org, 'session', claims.sid);
      if (!session.active) throw new UnauthorizedError('This session has ended; sign in again.', 'SESSION_ENDED');
      // The roles are the user's current ones, never the (possibly older) copy in the token.
      return { kind: 'user', orgId: claims.org, id, userId: id, roles: session.roles, sessionId: claims.sid, via };
    }

    async function resolve(request: FastifyRequest): Promise<Principal | null> {
      const header = request.headers.authorization;
      if (header) {
        const basic = request.routeOptions.config?.basicAuth ? /^Basic\s+(\S+)$/i.exec(header) : null;
        if (basic) {
          const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
          const secret = decoded.slice(decoded.indexOf(':') + 1);
          if (!secret) throw new UnauthorizedError('Send the API key or access token as the password.', 'AUTH_HEADER_INVALID');
          return secret.startsWith('mpk_') ? fromApiKey(request, secret) : fromJwt(request, secret, 'bearer');
        }
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match) throw new UnauthorizedError('Use "Authorization: Bearer <token or API key>".', 'AUTH_HEADER_INVALID');
        return match[1]!.startsWith('mpk_') ? fromApiKey(request, match[1]!) : fromJwt(request, match[1]!, 'bearer');
      }
      const apiKey = request.headers['x-api-key'];
      if (typeof apiKey === 'string') return fromApiKey(request, apiKey);
      const cookie = request.cookies?.[SESSION_COOKIE];
      if (cookie) return fromJwt(request, cookie, 'cookie');
      return null;
    }

    app.addHook('onRequest', async (request) => {
      const rule = ruleOf(request);
      try {
        request.principal = await resolve(request);
      } catch (error) {
        // Public routes ignore a stale credential rather than failing on it.
        if (rule !== false) throw error;
      }
    });

    app.addHook('preHandler', async (request, reply) => {
      const rule = ruleOf(request);
      if (rule === false || !request.routeOptions.url) return;
      const principal = request.principal;
      if (!principal) throw new UnauthorizedError();
      const allowed = rule.principals ?? ['user', 'api-key'];
      if (!allowed.includes(principal.kind)) throw new ForbiddenError(`This endpoint is not available to ${principal.kind === 'agent' ? 'agents' : principal.kind === 'api-key' ? 'API keys' : 'users'}.`, 'PRINCIPAL_NOT_ALLOWED');
      if (rule.roles && !rule.roles.some((role) => hasRole(principal, role))) {
        throw new ForbiddenError(`This needs the ${rule.roles.join(' or ')} role; ask an admin of your organization.`, 'ROLE_REQUIRED');
      }
      if (principal.via === 'cookie' && UNSAFE.has(request.method)) {
        await new Promise<void>((resolveCsrf, rejectCsrf) => {
          app.csrfProtection(request, reply, (error?: Error) => (error ? rejectCsrf(error) : resolveCsrf()));
        });
      }
    });
  },
  { name: 'authentication', dependencies: ['database', '@fastify/cookie', '@fastify/csrf-protection'] },
);
