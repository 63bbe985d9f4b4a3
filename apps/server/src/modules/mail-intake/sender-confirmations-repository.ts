import type { Db } from '../../db/schema.js';

/** One first mail of this user that waits for their confirmation (any state: the caller decides what it may do). */
export async function findSenderConfirmation(db: Db, id: string, userId: string) {
  return db.selectFrom('mail_sender_confirmations').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** Dismissed by its user: it expires now, so neither a reply nor the web can confirm it any more. */
export async function expireSenderConfirmation(db: Db, id: string) {
  await db.updateTable('mail_sender_confirmations').set({ expires_at: new Date() }).where('id', '=', id).execute();
}
