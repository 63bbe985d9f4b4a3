import type { Db } from '../../db/schema.js';

/** What changing one's own password needs of the account. */
export function findPasswordOwner(db: Db, userId: string) {
  return db.selectFrom('users').select(['id', 'email', 'password_hash']).where('id', '=', userId).executeTakeFirstOrThrow();
}

/** A new password chosen by its owner (signed in). */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string) {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** A new password from a reset link: the lockout ends with it. */
export async function setPassword(db: Db, userId: string, passwordHash: string) {
  await db.updateTable('users').set({ password_hash: passwordHash, failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
}

/** Ends the user's sessions but the one named (none: all of them); returns the ended sessions' ids. */
export async function endSessionsExcept(db: Db, userId: string, keepSessionId: string | null): Promise<string[]> {
  let query = db.updateTable('sessions').set({ revoked_at: new Date() }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keepSessionId) query = query.where('id', '!=', keepSessionId);
  return (await query.returning('id').execute()).map((row) => row.id);
}

/** The reset link with this token hash and the account it belongs to. */
export function findPasswordReset(db: Db, tokenHash: string) {
  return db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select(['password_resets.id', 'password_resets.expires_at', 'password_resets.used_at', 'users.id as user_id', 'users.org_id', 'users.email', 'users.status'])
    .where('password_resets.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Marks the link used; false when another request used it first (a link works once). */
export async function useResetLink(db: Db, id: string): Promise<boolean> {
  const used = await db.updateTable('password_resets').set({ used_at: new Date() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** Every other open link of the account stops working. */
export async function closeResetLinks(db: Db, userId: string) {
  await db.updateTable('password_resets').set({ used_at: new Date() }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}
