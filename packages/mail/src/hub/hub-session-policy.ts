import type { SMTPServerAddress, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { MailLogger } from '../logger.js';
import { MailError } from '../mail-error.js';
import { createMailboxUsage } from './mailbox-usage.js';
import { createRateLimiter } from './rate-limiter.js';
import { mailboxDirectory, safeMailboxName } from './safe-address.js';

/** What one client, one sender and one mailbox may cost the hub. Each is off (0) unless given: the server sets them from MAIL_HUB_*. */
export interface HubLimits {
  /** Connections one client IP may open per minute (a burst of this many, then this many a minute); over it: 421 and the connection closes. */
  connectionsPerMinutePerClient: number;
  /** Messages (MAIL FROM) one client IP may start per minute; over it: 421 and the connection closes. */
  messagesPerMinutePerClient: number;
  /** Messages one envelope sender (MAIL FROM address, `<>` for bounces) may start per minute; over it: 451, the client retries later. */
  messagesPerMinutePerSender: number;
  /** Bytes one mailbox may hold (all its folders); a recipient whose mailbox is full, or would be with the declared SIZE, gets 552. */
  mailboxQuotaBytes: number;
}

const NO_LIMITS: Readonly<HubLimits> = Object.freeze({ connectionsPerMinutePerClient: 0, messagesPerMinutePerClient: 0, messagesPerMinutePerSender: 0, mailboxQuotaBytes: 0 });

type Callback = (error?: Error | null) => void;

export function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

export function resolveHubLimits(overrides: Partial<HubLimits> | undefined): Readonly<HubLimits> {
  const limits = { ...NO_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new MailError('INVALID_OPTIONS', `startMailHub: limits.${name} must be a whole number, 0 or more (0: no limit): got ${String(value)}.`);
  }
  return Object.freeze(limits);
}

/**
 * The SMTP session callbacks that decide who may talk to the hub and for whom it takes mail:
 * rate limits per client IP (onConnect, onMailFrom: 421) and per sender (onMailFrom: 451), the
 * served recipients (`accept`, 550 5.1.1 for others) and each mailbox's quota (552 5.2.2).
 * Refusals carry a retry hint in seconds and are logged without addresses' mail contents.
 */
export function hubSessionPolicy(input: { dataDir: string; limits?: Partial<HubLimits> | undefined; accept?: ((recipient: string) => boolean | Promise<boolean>) | undefined; logger: MailLogger }): Pick<SMTPServerOptions, 'onConnect' | 'onMailFrom' | 'onRcptTo'> {
  const limits = resolveHubLimits(input.limits);
  const { logger } = input;
  const connections = limits.connectionsPerMinutePerClient ? createRateLimiter(limits.connectionsPerMinutePerClient) : null;
  const clientMessages = limits.messagesPerMinutePerClient ? createRateLimiter(limits.messagesPerMinutePerClient) : null;
  const senderMessages = limits.messagesPerMinutePerSender ? createRateLimiter(limits.messagesPerMinutePerSender) : null;
  const usage = limits.mailboxQuotaBytes ? createMailboxUsage() : null;

  return {
    onConnect(session: SMTPServerSession, callback: Callback) {
      const verdict = connections?.take(session.remoteAddress);
      if (verdict && !verdict.allowed) {
        logger.warn({ component: 'mail-hub', client: session.remoteAddress, limit: 'connections-per-client' }, 'mail client over its connection rate');
        return callback(smtpError(421, `4.7.0 Too many connections from ${session.remoteAddress}; try again in ${verdict.retryAfterSeconds} seconds`));
      }
      callback();
    },
    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback) {
      const client = clientMessages?.take(session.remoteAddress);
      if (client && !client.allowed) {
        logger.warn({ component: 'mail-hub', client: session.remoteAddress, limit: 'messages-per-client' }, 'mail client over its message rate');
        return callback(smtpError(421, `4.7.0 Too many messages from ${session.remoteAddress}; try again in ${client.retryAfterSeconds} seconds`));
      }
      const sender = senderMessages?.take(address.address ? address.address.toLowerCase() : '<>');
      if (sender && !sender.allowed) {
        logger.warn({ component: 'mail-hub', client: session.remoteAddress, limit: 'messages-per-sender' }, 'mail sender over its message rate');
        return callback(smtpError(451, `4.7.1 Too many messages from this sender; try again in ${sender.retryAfterSeconds} seconds`));
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback) {
      const name = safeMailboxName(address.address);
      if (name === null) return callback(smtpError(553, '5.1.3 This address cannot be a mailbox here: use letters, digits, ".", "_", "+", "-"'));
      checkRecipient(name, declaredSize(session)).then(
        (refusal) => callback(refusal),
        (error: unknown) => {
          logger.error({ component: 'mail-hub', error: (error as Error).message }, 'could not check a recipient');
          callback(smtpError(451, '4.3.0 Cannot check this recipient now; try again in 60 seconds'));
        },
      );
    },
  };

  async function checkRecipient(name: string, size: number): Promise<Error | null> {
    if (input.accept && !(await input.accept(name))) return smtpError(550, `5.1.1 <${name}>: no such mailbox here`);
    if (!usage) return null;
    const held = await usage.bytes(mailboxDirectory(input.dataDir, name));
    if (held + size > limits.mailboxQuotaBytes) {
      logger.warn({ component: 'mail-hub', limit: 'mailbox-quota', held, quota: limits.mailboxQuotaBytes }, 'mailbox over its quota');
      return smtpError(552, `5.2.2 <${name}>: mailbox full (${held} of ${limits.mailboxQuotaBytes} bytes used); try again after its owner has made room`);
    }
    return null;
  }
}

/** The SIZE the client declared at MAIL FROM (RFC 1870), 0 when it declared none. */
function declaredSize(session: SMTPServerSession): number {
  const args = session.envelope.mailFrom ? (session.envelope.mailFrom.args as Record<string, string> | false) : false;
  const size = args ? Number(args.SIZE) : 0;
  return Number.isSafeInteger(size) && size > 0 ? size : 0;
}
