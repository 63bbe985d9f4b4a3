import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../errors/app-error.js';
import type { UserRow } from '../accounts/accounts-repository.js';
import { hashSecret, newSecret } from '../../security/secrets.js';
import { appendAudit } from '../audit/audit-repository.js';

/** The access token as a cookie (the web UI); `Authorization: Bearer` works as well. */
export const SESSION_COOKIE = 'mp_session';
export const REFRESH_COOKIE = 'mp_refresh';
/**
 * Readable by the page and holding no secret: it says only that this browser holds a session, and
 * lives as long as the refresh cookie. The web UI asks GET /auth/me only when it is there, so a
 * signed-out load makes no request bound to fail.
 */
export const SIGNED_IN_COOKIE = 'mp_signed_in';

export interface IssuedTokens {
  token: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

/** Start a session: a short-lived access JWT plus a rotating refresh token (stored hashed); the sign-in's time is recorded. */
export async function startSession(app: FastifyInstance, user: UserRow, request: FastifyRequest): Promise<IssuedTokens> {
  const refreshToken = newSecret('mpr');
  const sessionId = randomUUID();
  await app.db
    .insertInto('sessions')
    .values({
      id: sessionId,
      org_id: user.org_id,
      user_id: user.id,
      refresh_hash: hashSecret(refreshToken),
      ip: request.ip,
      user_agent: String(request.headers['user-agent'] ?? '').slice(0, 300) || null,
      expires_at: new Date(Date.now() + app.config.refreshTokenTtlDays * 86_400_000),
    })
    .execute();
  // every way in (password, SSO, a new organisation, an accepted invitation) is a sign-in the Users page shows
  const now = new Date();
  await app.db.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute();
  user.last_login_at = now;
  return { token: await accessToken(app, user, sessionId), refreshToken, expiresIn: app.config.accessTokenTtlSeconds, sessionId };
}

/** The short-lived access JWT of a user's session. */
function accessToken(app: FastifyInstance, user: UserRow, sessionId: string): Promise<string> {
  return app.tokens.sign({ sub: `user:${user.id}`, org: user.org_id, roles: user.roles, sid: sessionId }, app.config.accessTokenTtlSeconds);
}

/** A session that was revoked or has reached its end takes no more refreshes. */
const sessionOver = (session: { revoked_at: Date | string | null; expires_at: Date | string }) => Boolean(session.revoked_at) || new Date(session.expires_at) <= new Date();

/**
 * How long after a refresh cookie was traded in the same cookie may still be traded by another tab of
 * the browser that traded it. Tabs share cookies but not their scripts: when the access token expires,
 * two tabs present the same refresh cookie at once, and the loser's cookie jar already holds the
 * winner's new refresh token. Such a request gets an access token for the same session and no new
 * refresh token (decision 0076). After the window, presenting it is reuse as before.
 */
export const REFRESH_RACE_WINDOW_MS = 10_000;

/** A refresh answered with an access token only: the refresh token the browser already holds stays current. */
export type RefreshedSession = (IssuedTokens | (Omit<IssuedTokens, 'refreshToken'> & { refreshToken?: undefined; raced: true })) & { user: UserRow };

/**
 * Trade a refresh token for a new pair; the old refresh token stops working (rotation). A token that
 * was already traded in is reuse (a copy was stolen, or the client raced): the whole session ends —
 * its access token and its current refresh token too — and the event is audited (OAuth 2.0 Security BCP).
 * The one exception is `fromCookie` within REFRESH_RACE_WINDOW_MS of the token's trade: see there.
 */
export async function refreshSession(app: FastifyInstance, refreshToken: string, request: FastifyRequest, options: { fromCookie?: boolean } = {}): Promise<RefreshedSession> {
  const oldHash = hashSecret(refreshToken);
  const session = await app.db.selectFrom('sessions').selectAll().where('refresh_hash', '=', oldHash).executeTakeFirst();
  if (!session) {
    if (options.fromCookie) {
      const raced = await racedRefresh(app, oldHash);
      if (raced) return raced;
    }
    await endReusedSession(app, oldHash, request);
    throw new UnauthorizedError('The refresh token is unknown, used or expired; sign in again.', 'REFRESH_INVALID');
  }
  if (sessionOver(session)) {
    throw new UnauthorizedError('The refresh token is unknown, used or expired; sign in again.', 'REFRESH_INVALID');
  }
  const user = await activeUser(app, session.user_id);
  const next = newSecret('mpr');
  const rotated = await app.db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('sessions').set({ refresh_hash: hashSecret(next) }).where('id', '=', session.id).where('refresh_hash', '=', oldHash).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await trx.insertInto('session_refresh_tokens').values({ hash: oldHash, session_id: session.id }).onConflict((oc) => oc.column('hash').doNothing()).execute();
    return true;
  });
  if (!rotated) {
    // Another request traded the same token between the look-up and the update.
    const raced = options.fromCookie ? await racedRefresh(app, oldHash) : null;
    if (raced) return raced;
    await endReusedSession(app, oldHash, request, session.id);
    throw new UnauthorizedError('The refresh token was already used; sign in again.', 'REFRESH_INVALID');
  }
  return { token: await accessToken(app, user, session.id), refreshToken: next, expiresIn: app.config.accessTokenTtlSeconds, sessionId: session.id, user };
}

async function activeUser(app: FastifyInstance, userId: string): Promise<UserRow> {
  const user = await app.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user || user.status !== 'active') throw new UnauthorizedError('This account is disabled.', 'ACCOUNT_DISABLED');
  return user;
}

/**
 * The refresh cookie of a tab that lost the race to another tab of the same browser: the token is the
 * session's last one traded in, within REFRESH_RACE_WINDOW_MS, and the session goes on. Answers an
 * access token of that session only; anything else is null (and is then reuse).
 */
async function racedRefresh(app: FastifyInstance, hash: string): Promise<RefreshedSession | null> {
  const used = await app.db.selectFrom('session_refresh_tokens').select(['session_id', 'used_at']).where('hash', '=', hash).executeTakeFirst();
  if (!used || Date.now() - new Date(used.used_at).getTime() > REFRESH_RACE_WINDOW_MS) return null;
  const last = await app.db.selectFrom('session_refresh_tokens').select('hash').where('session_id', '=', used.session_id).orderBy('used_at', 'desc').limit(1).executeTakeFirst();
  if (last?.hash !== hash) return null;
  const session = await app.db.selectFrom('sessions').selectAll().where('id', '=', used.session_id).executeTakeFirst();
  if (!session || sessionOver(session)) return null;
  const user = await activeUser(app, session.user_id);
  return { token: await accessToken(app, user, session.id), expiresIn: app.config.accessTokenTtlSeconds, sessionId: session.id, user, raced: true };
}

/** A refresh token was presented after it had been traded in: end its session and audit `REFRESH_REUSED`. */
async function endReusedSession(app: FastifyInstance, hash: string, request: FastifyRequest, racedSessionId?: string): Promise<void> {
  const used = racedSessionId ? { session_id: racedSessionId } : await app.db.selectFrom('session_refresh_tokens').select('session_id').where('hash', '=', hash).executeTakeFirst();
  if (!used) return;
  const session = await app.db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('id', '=', used.session_id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'org_id', 'user_id'])
    .executeTakeFirst();
  if (!session) return; // already ended: nothing more to revoke or report
  app.credentialCache.forgetSession(session.id);
  request.log.warn({ sessionId: session.id, userId: session.user_id, code: 'REFRESH_REUSED' }, 'refresh token reused: session ended');
  await appendAudit(app.db, {
    orgId: session.org_id,
    actorType: 'anonymous',
    actorId: null,
    action: 'auth.refresh_reuse',
    targetType: 'session',
    targetId: session.id,
    result: 'denied',
    statusCode: 401,
    ip: request.ip,
    requestId: request.id,
    details: { code: 'REFRESH_REUSED', userId: session.user_id },
  });
}

export async function endSession(app: FastifyInstance, sessionId: string): Promise<void> {
  await app.db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
  app.credentialCache.forgetSession(sessionId);
}

/** End every session of a user (disabled account, role change, password change). */
export async function endUserSessions(app: FastifyInstance, userId: string): Promise<void> {
  const rows = await app.db.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null).returning('id').execute();
  for (const row of rows) app.credentialCache.forgetSession(row.id);
}

/** The session's cookies; without a refresh token (a raced refresh) the refresh and signed-in cookies are left as they are. */
export function setSessionCookies(app: FastifyInstance, reply: FastifyReply, tokens: Pick<IssuedTokens, 'token' | 'expiresIn'> & { refreshToken?: string | undefined }): void {
  const secure = app.config.publicUrl.startsWith('https:');
  reply.setCookie(SESSION_COOKIE, tokens.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: tokens.expiresIn });
  if (tokens.refreshToken === undefined) return;
  reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { path: '/api/v1/auth', httpOnly: true, sameSite: 'strict', secure, maxAge: app.config.refreshTokenTtlDays * 86_400 });
  reply.setCookie(SIGNED_IN_COOKIE, '1', { path: '/', httpOnly: false, sameSite: 'lax', secure, maxAge: app.config.refreshTokenTtlDays * 86_400 });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
  reply.clearCookie(SIGNED_IN_COOKIE, { path: '/' });
}
