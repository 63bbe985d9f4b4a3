import { createMailSender, type MailSender } from '@marketplace/mail';
import type { Config } from './config/config.js';

/**
 * Outgoing mail: the organisation's relay (SMTP_HOST …), or else the embedded mail hub on this
 * machine — null when the hub's port is chosen at random (SMTP_LISTEN_PORT=0, tests).
 */
export function mailSenderFor(config: Config, logger?: Parameters<typeof createMailSender>[0]['logger']): MailSender | null {
  if (!config.smtp.host && config.smtp.listenPort === 0) return null;
  return config.smtp.host
    ? createMailSender({ host: config.smtp.host, port: config.smtp.port, secure: config.smtp.secure, ...(config.smtp.user ? { user: config.smtp.user, pass: config.smtp.pass } : {}), ...(logger ? { logger } : {}) })
    : createMailSender({ host: '127.0.0.1', port: config.smtp.listenPort, ...(logger ? { logger } : {}) });
}
