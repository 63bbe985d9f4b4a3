import type { Config } from '../../config/config.js';
import { ConfigError } from '../../config/config.js';

/** How incoming mail proves its sender, as the start-up banner says it. */
export type MailChannelMode = 'dkim' | 'reply-address-or-confirmation';

/**
 * The incoming mail channel's mode. In production it refuses to start without DKIM/DMARC checks
 * (MAIL_VERIFY_AUTH=true) unless MAIL_ALLOW_UNVERIFIED_SENDERS=true says that proof by the issued reply
 * address or a confirmation is enough for this installation.
 */
export function mailChannelMode(config: Pick<Config, 'env' | 'mailIngest'>): MailChannelMode {
  if (config.mailIngest.verifyAuth) return 'dkim';
  if (config.env === 'production' && !config.mailIngest.allowUnverifiedSenders) {
    throw new ConfigError([
      'MAIL_VERIFY_AUTH: incoming mail is not checked for DKIM/DMARC, and NODE_ENV=production; set MAIL_VERIFY_AUTH=true (needs DNS for the senders’ domains), or set MAIL_ALLOW_UNVERIFIED_SENDERS=true to accept senders proven only by the reply address the server issued or a confirmation',
    ]);
  }
  return 'reply-address-or-confirmation';
}
