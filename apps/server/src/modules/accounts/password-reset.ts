import { createHash, randomBytes, randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { mailSenderFor } from '../mail-intake/mail-sender.js';

/** A reset link works this long, once. */
export const RESET_TTL_MINUTES = 30;

export const hashResetToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Creates a one-time reset token for an active password account and mails its link through the
 * server's mail sender. Nothing is said to the caller about whether the address exists; the token
 * itself is never stored or logged, only its hash.
 */
export async function sendPasswordReset(deps: { db: Db; config: Config; logger: FastifyBaseLogger }, email: string): Promise<void> {
  const user = await deps.db.selectFrom('users').select(['id', 'email', 'name', 'status', 'password_hash']).where('email', '=', email.toLowerCase()).executeTakeFirst();
  if (!user || user.status !== 'active' || !user.password_hash) return;
  const sender = mailSenderFor(deps.config, deps.logger);
  if (!sender) {
    deps.logger.warn({ userId: user.id }, 'password reset asked for, but this server has no outgoing mail (SMTP_HOST or SMTP_LISTEN_PORT)');
    return;
  }
  const token = randomBytes(32).toString('base64url');
  await deps.db.insertInto('password_resets').values({ id: randomUUID(), user_id: user.id, token_hash: hashResetToken(token), expires_at: new Date(Date.now() + RESET_TTL_MINUTES * 60_000) }).execute();
  const link = `${deps.config.publicUrl}/reset-password#token=${token}`;
  const from = deps.config.smtp.from;
  const raw = await new MailComposer({
    from,
    to: user.email,
    subject: 'Reset your marketplace password',
    text: `Hello ${user.name},\n\nsomeone (hopefully you) asked to reset the password of your marketplace account. Open this link within ${RESET_TTL_MINUTES} minutes to choose a new one; it works once:\n\n${link}\n\nIf you did not ask for it, ignore this e-mail: your password stays as it is.\n`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  })
    .compile()
    .build();
  try {
    const result = await sender.send({ raw, envelope: { from: from.replace(/^.*<([^>]+)>.*$/, '$1'), to: [user.email] } });
    if (!result.ok || result.rejected.length) deps.logger.warn({ userId: user.id }, 'the password reset e-mail was not accepted by the mail server');
  } finally {
    sender.close();
  }
}
