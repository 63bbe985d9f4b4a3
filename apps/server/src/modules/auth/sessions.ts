import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../../errors/app-error.js';
import type { UserRow } from '../accounts/accounts-repository.js';
import { hashSecret, newSecret } from '../../security/secrets.js';

/** The access token as a cookie (the web UI); `Authorization: Bearer` works as well. */
export const SESSION_COOKIE = 'mp_session';
export const REFRESH_COOKIE = 'mp_refresh';

export interface IssuedTokens {
  token: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

/** Start a session: a short-lived access JWT plus a rotating refresh token (stored hashed). */
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
  const token = await app.tokens.sign({ sub: `user:${user.id}`, org: user.org_id, roles: user.roles, sid: sessionId }, app.config.accessTokenTtlSeconds);
  return { token, refreshToken, expiresIn: app.config.accessTokenTtlSeconds, sessionId };
}

/** Trade a refresh token for a new pair; the old refresh token stops working (rotation). */
export async function refreshSession(app: FastifyInstance, refreshToken: string): Promise<IssuedTokens & { user: UserRow }> {
  const oldHash = hashSecret(refreshToken);
  const session = await app.db.selectFrom('sessions').selectAll().where('refresh_hash', '=', oldHash).executeTakeFirst();
  if (!session || session.revoked_at || new Date(session.expires_at) <= new Date()) {
    throw new UnauthorizedError('The refresh token is unknown, used or expired; sign in again.', 'REFRESH_INVALID');
  }
  const user = await app.db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  if (!user || user.status !== 'active') throw new UnauthorizedError('This account is disabled.', 'ACCOUNT_DISABLED');
  const next = newSecret('mpr');
  const updated = await app.db.updateTable('sessions').set({ refresh_hash: hashSecret(next) }).where('id', '=', session.id).where('refresh_hash', '=', oldHash).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new UnauthorizedError('The refresh token was already used; sign in again.', 'REFRESH_INVALID');
  const token = await app.tokens.sign({ sub: `user:${user.id}`, org: user.org_id, roles: user.roles, sid: session.id }, app.config.accessTokenTtlSeconds);
  return { token, refreshToken: next, expiresIn: app.config.accessTokenTtlSeconds, sessionId: session.id, user };
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

export function setSessionCookies(app: FastifyInstance, reply: FastifyReply, tokens: IssuedTokens): void {
  const secure = app.config.publicUrl.startsWith('https:');
  reply.setCookie(SESSION_COOKIE, tokens.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: tokens.expiresIn });
  reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { path: '/api/v1/auth', httpOnly: true, sameSite: 'strict', secure, maxAge: app.config.refreshTokenTtlDays * 86_400 });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
}
