import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { withErrors } from '../../http/responses.js';
import { findUserByEmail } from '../accounts/accounts-repository.js';
import { appendAudit } from '../audit/audit-repository.js';
import { createOidcClient, SsoError, type SsoIdentity } from './oidc-client.js';
import { safeReturnTo } from './return-to.js';
import { accountForIdentity } from './sso-accounts.js';
import { openAttempt, sealAttempt, SSO_STATE_COOKIE, SSO_STATE_PATH, SSO_STATE_TTL_SECONDS } from './sso-state.js';
import { setSessionCookies, startSession } from './sessions.js';

/** Per IP: a whole office behind one NAT signs in at nine; a callback without a valid code costs little. */
const SSO_RATE = { max: 60, timeWindow: 60_000 };
const CALLBACK_PATH = '/api/v1/auth/sso/oidc/callback';

const providersResponse = z
  .object({
    enabled: z.boolean().describe('Whether this server offers single sign-on'),
    providers: z.array(z.object({ id: z.literal('oidc'), name: z.string().describe('The label for the sign-in button (OIDC_NAME)') })),
  })
  .meta({ id: 'SsoProviders' });

const redirect = z.null().describe('A redirect (Location header); errors come back as /?sso_error=<CODE>');

/**
 * Enterprise sign-in with OpenID Connect (authorization code + PKCE). The start route sends the browser
 * to the identity provider with the attempt sealed in a short-lived cookie; the callback verifies the
 * answer, finds or provisions the account by its verified e-mail and starts the same cookie session as
 * a password sign-in. Browser-facing failures redirect to `/?sso_error=<CODE>` for the web UI to explain.
 */
export default async function ssoRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const settings = app.config.oidc;
  const secret = app.config.jwtSecret!;
  const secure = app.config.publicUrl.startsWith('https:');
  const client =
    settings.issuer && settings.clientId
      ? createOidcClient({ issuer: settings.issuer, clientId: settings.clientId, clientSecret: settings.clientSecret, redirectUri: `${app.config.publicUrl}${CALLBACK_PATH}` })
      : undefined;

  function requireClient() {
    if (!client) {
      throw new AppError('SSO_NOT_CONFIGURED', 404, 'Single sign-on is not configured on this server: an operator sets OIDC_ISSUER, CLIENT_ID and CLIENT_SECRET (see .env.example). Sign in with your e-mail and password instead.');
    }
    return client;
  }

  function fail(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    const code = error instanceof SsoError ? error.code : 'SIGN_IN_FAILED';
    if (error instanceof SsoError) request.log.warn({ code, reason: error.message, cause: error.cause instanceof Error ? error.cause.message : undefined }, 'single sign-on did not finish');
    else request.log.error({ err: error }, 'single sign-on failed');
    return reply.redirect(`/?sso_error=${code}`, 302);
  }

  app.get('/sso', {
    config: { auth: false },
    schema: { tags: ['auth'], summary: 'Single sign-on providers offered on the sign-in page', security: [], response: withErrors({ 200: providersResponse }) },
    handler: async () => ({ enabled: !!client, providers: client ? [{ id: 'oidc' as const, name: settings.name }] : [] }),
  });

  app.get('/sso/oidc/start', {
    config: { auth: false, rateLimit: SSO_RATE },
    schema: {
      tags: ['auth'],
      summary: 'Start single sign-on: redirects to the identity provider',
      security: [],
      querystring: z.object({ returnTo: z.string().max(2_000).optional().describe('A path on this site to open after signing in (default /)') }),
      response: withErrors({ 302: redirect }, [404]),
    },
    handler: async (request, reply) => {
      const oidc = requireClient();
      try {
        const { url, attempt } = await oidc.begin(safeReturnTo(request.query.returnTo));
        reply.setCookie(SSO_STATE_COOKIE, await sealAttempt(secret, attempt), { path: SSO_STATE_PATH, httpOnly: true, sameSite: 'lax', secure, maxAge: SSO_STATE_TTL_SECONDS });
        return reply.redirect(url.href, 302);
      } catch (error) {
        return fail(request, reply, error);
      }
    },
  });

  app.get('/sso/oidc/callback', {
    config: { auth: false, audit: 'auth.sso.login', rateLimit: SSO_RATE },
    schema: {
      tags: ['auth'],
      summary: 'Where the identity provider returns: signs in and redirects to the page asked for',
      security: [],
      querystring: z.object({
        code: z.string().max(4_096).optional(),
        state: z.string().max(1_024).optional(),
        iss: z.string().max(1_024).optional(),
        error: z.string().max(256).optional(),
        error_description: z.string().max(2_048).optional(),
      }),
      response: withErrors({ 302: redirect }, [404]),
    },
    handler: async (request, reply) => {
      const oidc = requireClient();
      const attempt = await openAttempt(secret, request.cookies[SSO_STATE_COOKIE]);
      reply.clearCookie(SSO_STATE_COOKIE, { path: SSO_STATE_PATH });
      let identity: SsoIdentity | undefined;
      const audit = (result: 'success' | 'failure', extra: { orgId?: string; userId?: string; details?: Record<string, unknown> }) =>
        appendAudit(app.db, {
          orgId: extra.orgId ?? null,
          actorType: extra.userId ? 'user' : 'anonymous',
          actorId: extra.userId ?? null,
          action: 'auth.sso.login',
          targetType: extra.userId ? 'user' : null,
          targetId: extra.userId ?? null,
          result,
          statusCode: 302,
          ip: request.ip,
          requestId: request.id,
          details: { provider: 'oidc', ...(identity ? { email: identity.email.toLowerCase(), subject: identity.subject } : {}), ...extra.details },
        });
      try {
        if (!attempt) throw new SsoError('STATE_INVALID', 'The sign-in attempt is missing or expired: it lasts 10 minutes, in the browser that started it.');
        if (request.query.state !== attempt.state) throw new SsoError('STATE_INVALID', 'The sign-in response does not belong to this sign-in attempt.');
        identity = await oidc.finish(new URL(request.url, 'http://callback.invalid').search, attempt);
        const { user, source } = await accountForIdentity(app.db, identity, settings.organization);
        const tokens = await startSession(app, user, request);
        setSessionCookies(app, reply, tokens);
        await audit('success', { orgId: user.org_id, userId: user.id, details: { account: source } });
        return reply.redirect(safeReturnTo(attempt.returnTo), 302);
      } catch (error) {
        // A known account's failures belong in its organisation's audit chain.
        const existing = identity ? await findUserByEmail(app.db, identity.email).catch(() => undefined) : undefined;
        await audit('failure', { orgId: existing?.org_id, userId: existing?.id, details: { error: error instanceof SsoError ? error.code : 'SIGN_IN_FAILED' } }).catch((auditError: unknown) =>
          request.log.error({ err: auditError }, 'could not write the audit entry'),
        );
        return fail(request, reply, error);
      }
    },
  });
}
