import { classifyIncoming, DEFAULT_MAIL_LIMITS, parseDeliveryStatus, type DsnRecipient } from '@marketplace/mail';
import type { Db } from '../../db/schema.js';
import type { MailIngestHandler } from '../mail-intake/mail-intake.js';
import { findDsnTarget, recordDsn, type DsnTarget } from './outgoing-mail-repository.js';
import { legacyBounceToken, readReturnPath, returnPathIsGenuine, returnPathKey } from './return-path.js';

interface Logger {
  info(obj: object, msg: string): void;
}

/** Which DSN action leaves a recipient in which state. */
const STATE_OF_ACTION: Record<string, 'bounced' | 'delayed' | 'delivered'> = { failed: 'bounced', delayed: 'delayed', delivered: 'delivered', relayed: 'delivered', expanded: 'delivered' };

/**
 * How long a return path of the old `+bounce-<token>` form is still honoured after its mail was sent
 * (decision 0046): relays give up on a message after 5 days (Postfix's maximal_queue_lifetime), so a
 * bounce of older mail is not coming; 14 days leaves room for slow relays and queued DSNs.
 */
export const LEGACY_RETURN_PATH_DAYS = 14;

/** What a recorded DSN changed: modules with mail of their own (campaigns) follow their recipients through it. */
export interface DsnRecorded {
  target: DsnTarget;
  state: 'bounced' | 'delayed' | 'delivered';
  status: string | null;
  diagnostic: string | null;
}

/** The recipient block about this address (a relay may report several), else the first one with an action we know. */
const blockFor = (recipients: DsnRecipient[], address: string): DsnRecipient | undefined =>
  recipients.find((r) => STATE_OF_ACTION[r.action] && (r.recipient === address || r.originalRecipient === address)) ?? recipients.find((r) => STATE_OF_ACTION[r.action]);

/**
 * Delivery status notifications about the server's own mail. One sent to a signed return path
 * (`+b<recipient row><tag>`) is about that row once its tag proves the server made the address for that
 * organisation's mail; a forged or foreign tag, or a returned Message-ID that is not the row's mail, changes
 * nothing. One to an old `+bounce-<token>` path is honoured for LEGACY_RETURN_PATH_DAYS after sending.
 * Any other DSN (null sender, multipart/report) is matched by the returned Message-ID and the reported
 * recipient. Every DSN is taken here, so none reaches the conversation engine; `onRecorded` hears each change.
 */
export function dsnMailHandler(db: Db, logger: Logger, onRecorded: (change: DsnRecorded) => Promise<void> = async () => {}): MailIngestHandler {
  const record = async (target: DsnTarget, block: DsnRecipient): Promise<void> => {
    const state = STATE_OF_ACTION[block.action]!;
    if (await recordDsn(db, target, { state, action: block.action, status: block.status, diagnostic: block.diagnostic })) await onRecorded({ target, state, status: block.status, diagnostic: block.diagnostic });
  };
  return async (mail) => {
    const signed = readReturnPath(mail.recipient);
    const legacy = signed ? null : legacyBounceToken(mail.recipient);
    if (!signed && !legacy) {
      const kind = classifyIncoming(mail.raw, { envelopeFrom: mail.envelopeFrom });
      if (kind.kind !== 'bounce') return false;
    }
    const report = await parseDeliveryStatus(mail.raw, DEFAULT_MAIL_LIMITS);
    if (!report) return signed || legacy ? { outcome: 'bounce:unreadable' } : false;
    if (signed || legacy) {
      const target = signed ? await findDsnTarget(db, { recipientId: signed.recipientId }) : await findDsnTarget(db, { token: legacy!, sentAfter: new Date(Date.now() - LEGACY_RETURN_PATH_DAYS * 86_400_000) });
      const genuine = Boolean(target) && (!signed || returnPathIsGenuine(await returnPathKey(db), target!.orgId, signed.recipientId, signed.tag));
      // a report about another message than the one this return path was made for is no bounce of it
      if (!target || !genuine || (report.originalMessageId && report.originalMessageId !== target.messageId)) {
        logger.info({ component: 'outgoing-mail', known: Boolean(target), genuine }, 'delivery status notification to a return path the server did not make for that mail: ignored');
        return { outcome: 'bounce:forged', orgId: null };
      }
      const block = blockFor(report.recipients, target.address);
      if (block) await record(target, block);
      logger.info({ component: 'outgoing-mail', mailId: target.mailId, action: block?.action ?? null }, 'delivery status notification recorded');
      return { outcome: block ? 'bounce:recorded' : 'bounce:unmatched', orgId: target.orgId };
    }
    let matched: DsnTarget | undefined;
    for (const block of report.recipients) {
      if (!STATE_OF_ACTION[block.action] || !report.originalMessageId) continue;
      const target = (await findDsnTarget(db, { messageId: report.originalMessageId, address: block.recipient })) ?? (block.originalRecipient ? await findDsnTarget(db, { messageId: report.originalMessageId, address: block.originalRecipient }) : undefined);
      if (!target) continue;
      await record(target, block);
      matched ??= target;
    }
    logger.info({ component: 'outgoing-mail', matched: Boolean(matched), recipients: report.recipients.length }, 'delivery status notification recorded');
    return { outcome: matched ? 'bounce:recorded' : 'bounce:unmatched', orgId: matched?.orgId ?? null };
  };
}
