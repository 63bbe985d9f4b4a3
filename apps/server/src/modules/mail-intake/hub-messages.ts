import { normalMessageId } from '@marketplace/mail';
import type { StoredMail } from '@marketplace/mail/hub';
import type { Db } from '../../db/schema.js';
import { recordHubCopies, type HubCopy } from './incoming-mail-repository.js';

/** At most this many messages go into one transaction (the rest wait for the next). */
const MAX_BATCH = 200;

/**
 * What the hub must know before it answers 250, written for every session at once: each stored
 * Message-ID per recipient (mail_hub_messages: a sender's retry on any host finds it; the hub asks this only
 * for mail from or to the server's own addresses, the only mail anybody looks up) and, for the
 * server's own addresses, the incoming_mail row that refers to the Maildir copy (`ownCopies`).
 * Messages that arrive while a write runs go together into the next transaction (group commit), so
 * 20 concurrent sessions cost about one database round trip, not 20. A batch that fails is written
 * again message by message, so only the message at fault is answered 451.
 */
export function createHubRecorder(db: Db, ownCopies: (stored: StoredMail) => HubCopy[]): (stored: StoredMail) => Promise<void> {
  let waiting: { stored: StoredMail; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let writing = false;

  const write = (batch: StoredMail[]) => {
    const seen = new Set<string>();
    const hubRows = batch
      .flatMap((stored) => (stored.messageId ? stored.deliveries.map((delivery) => ({ recipient: delivery.recipient.toLowerCase(), message_id: stored.messageId! })) : []))
      .filter((row) => !seen.has(`${row.recipient}\n${row.message_id}`) && seen.add(`${row.recipient}\n${row.message_id}`));
    const copies = batch.flatMap(ownCopies);
    if (copies.length === 0) return hubRows.length ? db.insertInto('mail_hub_messages').values(hubRows).onConflict((oc) => oc.doNothing()).execute() : Promise.resolve();
    if (hubRows.length === 0) return recordHubCopies(db, copies);
    // one statement (a data-modifying WITH) instead of a transaction of two: one round trip, still all or nothing
    return recordHubCopies(db.with('hub_rows', (qb) => qb.insertInto('mail_hub_messages').values(hubRows).onConflict((oc) => oc.doNothing())) as unknown as Db, copies);
  };

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (waiting.length) {
        const batch = waiting.slice(0, MAX_BATCH);
        waiting = waiting.slice(MAX_BATCH);
        try {
          await write(batch.map((entry) => entry.stored));
          for (const entry of batch) entry.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          else for (const entry of batch) await write([entry.stored]).then(entry.resolve, entry.reject);
        }
      }
    } finally {
      writing = false;
    }
  }

  return (stored) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ stored, resolve, reject });
      if (!writing) void drain();
    });
}

/** Whether the hub (on whichever host it runs) already stored `messageId` for `recipient`. */
export async function hubHasMessage(db: Db, recipient: string, messageId: string): Promise<boolean> {
  const id = normalMessageId(messageId);
  if (!id) return false;
  const row = await db.selectFrom('mail_hub_messages').select('message_id').where('recipient', '=', recipient.toLowerCase()).where('message_id', '=', id).executeTakeFirst();
  return row !== undefined;
}
