import type { Db } from '../../db/schema.js';

/** Message-IDs longer than this are not recorded (nor looked up): no sender of ours makes one. */
const MAX_MESSAGE_ID = 998;

/** Records that the hub stored `messageId` for each recipient (idempotent). */
export async function recordHubMessage(db: Db, messageId: string | undefined, recipients: string[]): Promise<void> {
  const id = messageId?.trim();
  if (!id || id.length > MAX_MESSAGE_ID || recipients.length === 0) return;
  await db
    .insertInto('mail_hub_messages')
    .values(recipients.map((recipient) => ({ recipient: recipient.toLowerCase(), message_id: id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Whether the hub (on whichever host it runs) already stored `messageId` for `recipient`. */
export async function hubHasMessage(db: Db, recipient: string, messageId: string): Promise<boolean> {
  if (messageId.length > MAX_MESSAGE_ID) return false;
  const row = await db.selectFrom('mail_hub_messages').select('message_id').where('recipient', '=', recipient.toLowerCase()).where('message_id', '=', messageId).executeTakeFirst();
  return row !== undefined;
}
