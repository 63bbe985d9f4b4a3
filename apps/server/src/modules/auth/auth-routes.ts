import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError, TooManyRequestsError, UnauthorizedError } from '../../errors/app-error.js';
import { iso, isoOrNull, withErrors } from '../../http/responses.js';
import { createOrganization, findUserByEmail, getOrganization, insertUser, publicUser } from '../accounts/accounts-repository.js';
import { acceptInvitation } from '../accounts/invitations.js';
import { checkPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from '../../security/passwords.js';
import { clearSessionCookies, endSession, REFRESH_COOKIE, refreshSession, setSessionCookies, startSession } from './sessions.js';
import { clearFailedLogins, findProfile, recordFailedLogin } from './auth-repository.js';
import { TtlCache } from './ttl-cache.js';
import { hashSecret } from '../../security/secrets.js';
import { email, organizationSchema, roleSchema, userSchema } from '../accounts/account-schemas.js';
import { password, refreshResponse, sessionResponse } from './auth-schemas.js';

const LOCK_AFTER_FAILURES = 5;
const LOGIN_RATE = { max: 20, timeWindow: 60_000 };
const bodyField = (request: FastifyRequest, field: string): string | undefined => {
  const value = (request.body as Record<string, unknown> | null | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
};
/**
 * Sign-in: 20 tries a minute per address **and e-mail**. An office behind one address (a NAT, a proxy
 * not named in TRUST_PROXY) is many people signing in at nine; one account's guesses are also stopped
 * by its lock. The address's whole budget across sign-ins and refreshes is RATE_LIMIT_PER_MINUTE.
 */
const SIGN_IN_RATE = { ...LOGIN_RATE, keyGenerator: (request: FastifyRequest) => `sign-in:${request.ip}:${(bodyField(request, 'email') ?? '').toLowerCase()}` };
/** Refresh: 20 a minute per refresh token (unguessable, so nothing to try); every open tab behind a shared address refreshes for itself. */
const REFRESH_RATE = {
  ...LOGIN_RATE,
  keyGenerator: (request: FastifyRequest) => {
    const token = bodyField(request, 'refreshToken') ?? request.cookies[REFRESH_COOKIE];
    return token ? `refresh:${hashSecret(token)}` : `refresh-ip:${request.ip}`;
  },
};

/** `/me` is called on every page load: profiles are kept a few seconds (a rename shows within 3 s). */
const PROFILE_CACHE_MS = 3_000;

/** The tokens an answer shows: none when they went into httpOnly cookies, where a page's script cannot read them. */
function sessionAnswer(tokens: { token: string; refreshToken?: string | undefined; expiresIn: number }, inCookies: boolean | undefined) {
  if (inCookies) return { expiresIn: tokens.expiresIn };
  return { token: tokens.token, ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }), expiresIn: tokens.expiresIn };
}

export default async function authRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // The plugin runs one limiter per request (the route's), so the address's budget is counted by hand before it.
  const addressLimit = app.createRateLimit({ max: app.config.rateLimitPerMinute, timeWindow: 60_000, keyGenerator: (request) => `auth-ip:${request.ip}` });
  const addressBudget = async (request: FastifyRequest) => {
    const counted = await addressLimit(request);
    if (!counted.isAllowed && counted.isExceeded) throw new TooManyRequestsError(`Too many sign-ins and refreshes from this address: the limit is ${counted.max} per minute. Retry in ${counted.ttlInSeconds} s.`, counted.ttlInSeconds);
  };
  /** With each profile, its `/me` answers as sent (by roles and way of signing in): they expire together. */
  const profiles = new TtlCache<{ profile: { user: unknown; organization: { id: string; name: string; slug: string; createdAt: string } }; answers: Map<string, string> }>(PROFILE_CACHE_MS);

  app.post('/register', {
    config: { auth: false, audit: 'auth.register', rateLimit: LOGIN_RATE },
    schema: {
      tags: ['auth'],
      summary: 'Create an organization and its first user (an admin)',
      security: [],
      body: z.object({ organization: z.string().trim().min(2).max(120), name: z.string().trim().min(1).max(120), email, password, cookie: z.boolean().optional().describe('Keep the tokens in httpOnly cookies (the web UI): the answer then holds neither token, and a CSRF token for unsafe requests') }).strict(),
      response: withErrors({ 201: sessionResponse }, [409]),
    },
    handler: async (request, reply) => {
      const body = request.body;
      checkPasswordPolicy(body.password, body.email);
      if (await findUserByEmail(app.db, body.email)) {
        throw new ConflictError('An account with this e-mail already exists: sign in, or ask your admin for an invitation.', 'EMAIL_TAKEN');
      }
      const passwordHash = await hashPassword(body.password);
      const { organization, user } = await app.db.transaction().execute(async (trx) => {
        const organization = await createOrganization(trx, body.organization);
        const user = await insertUser(trx, { orgId: organization.id, email: body.email, name: body.name, passwordHash, roles: ['admin'] });
        return { organization, user };
      });
      request.auditInfo = { orgId: organization.id, actorId: user.id, targetType: 'organization', targetId: organization.id };
      const tokens = await startSession(app, user, request);
      if (body.cookie) setSessionCookies(app, reply, tokens);
      return reply.status(201).send({ ...sessionAnswer(tokens, body.cookie), user: publicUser(user), organization, ...(body.cookie ? { csrfToken: reply.generateCsrf() } : {}) });
    },
  });

  app.post('/login', {
    config: { auth: false, audit: 'auth.login', rateLimit: SIGN_IN_RATE },
    preHandler: addressBudget,
    schema: {
      tags: ['auth'],
      summary: 'Sign in with e-mail and password',
      security: [],
      body: z.object({ email, password, cookie: z.boolean().optional().describe('Keep the tokens in httpOnly cookies (the web UI): the answer then holds neither token, and a CSRF token for unsafe requests') }).strict(),
      response: withErrors({ 200: sessionResponse }),
    },
    handler: async (request, reply) => {
      const user = await findUserByEmail(app.db, request.body.email);
      request.auditInfo = { details: { email: request.body.email.toLowerCase() } };
      if (!user || !user.password_hash) {
        await verifyPassword(await dummyPasswordHash(), request.body.password);
        throw new UnauthorizedError('The e-mail or password is wrong.', 'INVALID_CREDENTIALS');
      }
      request.auditInfo.orgId = user.org_id;
      request.auditInfo.actorId = user.id;
      if (user.locked_until && new Date(user.locked_until) > new Date()) {
        const seconds = (new Date(user.locked_until).getTime() - Date.now()) / 1000;
        const minutes = Math.ceil(seconds / 60);
        throw new TooManyRequestsError(`Too many failed sign-ins: this account is locked for ${minutes} more ${minutes === 1 ? 'minute' : 'minutes'}. Try again then, or set a new password with "Forgot password?".`, seconds, 'ACCOUNT_LOCKED');
      }
      if (!(await verifyPassword(user.password_hash, request.body.password))) {
        const failures = user.failed_logins + 1;
        const lockMinutes = failures >= LOCK_AFTER_FAILURES ? Math.min(60, 2 ** (failures - LOCK_AFTER_FAILURES)) : 0;
        await recordFailedLogin(app.db, user.id, failures, lockMinutes ? new Date(Date.now() + lockMinutes * 60_000) : null);
        throw new UnauthorizedError('The e-mail or password is wrong.', 'INVALID_CREDENTIALS');
      }
      if (user.status !== 'active') throw new UnauthorizedError('This account is disabled; ask an admin of your organization.', 'ACCOUNT_DISABLED');
      if (user.failed_logins > 0 || user.locked_until) await clearFailedLogins(app.db, user.id);
      const tokens = await startSession(app, user, request);
      if (request.body.cookie) setSessionCookies(app, reply, tokens);
      return { ...sessionAnswer(tokens, request.body.cookie), user: publicUser(user), organization: await getOrganization(app.db, user.org_id), ...(request.body.cookie ? { csrfToken: reply.generateCsrf() } : {}) };
    },
  });

  app.post('/refresh', {
    config: { auth: false, audit: 'auth.refresh', rateLimit: REFRESH_RATE },
    preHandler: addressBudget,
    schema: {
      tags: ['auth'],
      summary: 'Trade a refresh token for a new token pair',
      security: [],
      body: z.object({ refreshToken: z.string().max(200).optional() }).strict().nullish(),
      response: withErrors({ 200: refreshResponse }),
    },
    handler: async (request, reply) => {
      const fromCookie = request.cookies[REFRESH_COOKIE];
      const refreshToken = request.body?.refreshToken ?? fromCookie;
      if (!refreshToken) throw new UnauthorizedError('Send {"refreshToken": "…"} or the refresh cookie.', 'REFRESH_INVALID');
      const viaCookie = !request.body?.refreshToken && Boolean(fromCookie);
      const result = await refreshSession(app, refreshToken, request, { fromCookie: viaCookie });
      request.auditInfo = { orgId: result.user.org_id, actorId: result.user.id, ...('raced' in result ? { details: { raced: true } } : {}) };
      if (viaCookie) setSessionCookies(app, reply, result);
      const { user } = result;
      return { ...sessionAnswer(result, viaCookie), user: publicUser(user), organization: await getOrganization(app.db, user.org_id) };
    },
  });

  app.post('/logout', {
    config: { auth: { principals: ['user'] }, audit: 'auth.logout' },
    schema: { tags: ['auth'], summary: 'End this session', response: withErrors({ 204: z.null() }) },
    handler: async (request, reply) => {
      await endSession(app, request.principal!.sessionId!);
      clearSessionCookies(reply);
      return reply.status(204).send(null);
    },
  });

  const meSchema = z.object({ user: userSchema.nullable(), organization: organizationSchema, roles: z.array(roleSchema), via: z.string() });
  app.get('/me', {
    config: { auth: { principals: ['user', 'api-key'] } },
    schema: {
      tags: ['auth'],
      summary: 'Who am I',
      response: withErrors({ 200: meSchema }),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const via = principal.kind === 'api-key' ? 'api-key' : principal.via;
      const cacheKey = `${principal.orgId}:${principal.userId ?? '-'}`;
      // The answer's JSON text is kept with the profile (schema-checked once) and sent as it is.
      const answerKey = `${principal.roles.join(',')}:${via}`;
      let cached = profiles.get(cacheKey);
      const known = cached?.answers.get(answerKey);
      if (known) return reply.type('application/json; charset=utf-8').send(known);
      if (!cached) {
        // One round trip: the organisation, and the user when the caller is one (or created the API key).
        const row = await findProfile(app.db, principal.orgId, principal.userId);
        const user = row.id
          ? { id: row.id, email: row.email!, name: row.name!, roles: row.roles!, status: row.status!, createdAt: iso(row.created_at!), lastLoginAt: isoOrNull(row.last_login_at), language: row.language ?? null }
          : null;
        cached = { profile: { user, organization: { id: row.org_id, name: row.org_name, slug: row.org_slug, createdAt: iso(row.org_created_at) } }, answers: new Map() };
        profiles.set(cacheKey, cached);
      }
      const json = JSON.stringify(z.encode(meSchema, { ...(cached.profile as z.input<typeof meSchema>), roles: principal.roles, via }));
      cached.answers.set(answerKey, json);
      return reply.type('application/json; charset=utf-8').send(json);
    },
  });

  app.get('/csrf', {
    config: { auth: { principals: ['user'] } },
    schema: { tags: ['auth'], summary: 'A CSRF token for cookie sessions', response: withErrors({ 200: z.object({ csrfToken: z.string() }) }) },
    handler: async (_request, reply) => ({ csrfToken: reply.generateCsrf() }),
  });

  app.post('/invitations/accept', {
    config: { auth: false, audit: 'invitation.accept', rateLimit: LOGIN_RATE },
    schema: {
      tags: ['auth'],
      summary: 'Join an organization with an invitation token',
      security: [],
      body: z.object({ token: z.string().min(10).max(200), name: z.string().trim().min(1).max(120), password, cookie: z.boolean().optional().describe('Keep the tokens in httpOnly cookies (the web UI): the answer then holds neither token, and a CSRF token for unsafe requests') }).strict(),
      response: withErrors({ 201: sessionResponse }, [409]),
    },
    handler: async (request, reply) => {
      const user = await acceptInvitation(app.db, request.body);
      request.auditInfo = { orgId: user.org_id, actorId: user.id, targetType: 'user', targetId: user.id };
      const tokens = await startSession(app, user, request);
      if (request.body.cookie) setSessionCookies(app, reply, tokens);
      return reply.status(201).send({ ...sessionAnswer(tokens, request.body.cookie), user: publicUser(user), organization: await getOrganization(app.db, user.org_id), ...(request.body.cookie ? { csrfToken: reply.generateCsrf() } : {}) });
    },
  });
}
