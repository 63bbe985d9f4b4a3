import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { mailSenderFor } from '../mail-intake/mail-sender.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { sendTemplatedMail } from '../outgoing-mail/send-templated-mail.js';

/** A reset link works this long, once. */
export const RESET_TTL_MINUTES = 30;

export const hashResetToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Creates a one-time reset token for an active password account and mails its link through the
 * server's mail sender. Nothing is said to the caller about whether the address exists; the token
 * itself is never stored or logged, only its hash. The mail is in the account's chosen language, else in
 * the language the reader asked in (`askedIn`: the web UI's), else the organisation's.
 */
export async function sendPasswordReset(deps: { db: Db; config: Config; logger: FastifyBaseLogger }, email: string, askedIn?: string): Promise<void> {
  const user = await deps.db.selectFrom('users').select(['id', 'org_id', 'email', 'name', 'status', 'password_hash']).where('email', '=', email.toLowerCase()).executeTakeFirst();
  if (!user || user.status !== 'active' || !user.password_hash) return;
  const sender = mailSenderFor(deps.config, deps.logger);
  if (!sender) {
    deps.logger.warn({ userId: user.id }, 'password reset asked for, but this server has no outgoing mail (SMTP_HOST or SMTP_LISTEN_PORT)');
    return;
  }
  const token = randomBytes(32).toString('base64url');
  await deps.db.insertInto('password_resets').values({ id: randomUUID(), user_id: user.id, token_hash: hashResetToken(token), expires_at: new Date(Date.now() + RESET_TTL_MINUTES * 60_000) }).execute();
  const link = `${deps.config.publicUrl}/reset-password#token=${token}`;
  try {
    const language = await mailLanguageFor(deps.db, user.org_id, { to: { userId: user.id }, answered: askedIn ?? null });
    const sent = await sendTemplatedMail({ db: deps.db, publicUrl: deps.config.publicUrl, from: deps.config.smtp.from, logger: deps.logger, sender }, { orgId: user.org_id, kind: 'password-reset', language, params: { name: user.name, link, minutes: String(RESET_TTL_MINUTES) }, to: user.email });
    if (!sent.sent) deps.logger.warn({ userId: user.id, code: sent.blocked?.code ?? 'SMTP' }, 'the password reset e-mail was not sent');
  } finally {
    sender.close();
  }
}
