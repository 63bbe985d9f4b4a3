import type { Db } from '../../db/schema.js';

/** A wrong password: counts the failure and locks the account until the given time (null: not locked). */
export async function recordFailedLogin(db: Db, userId: string, failures: number, lockedUntil: Date | null) {
  await db.updateTable('users').set({ failed_logins: failures, locked_until: lockedUntil }).where('id', '=', userId).execute();
}

/** A right password after wrong ones: clears the failures and the lock (when it was, startSession records). */
export async function clearFailedLogins(db: Db, userId: string) {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
}

/** In one round trip: the organisation, and the user when the caller is one (or created the API key). */
export function findProfile(db: Db, orgId: string, userId: string | null) {
  return db
    .selectFrom('organizations')
    .leftJoin('users', (join) => join.onRef('users.org_id', '=', 'organizations.id').on('users.id', '=', userId ?? '00000000-0000-0000-0000-000000000000'))
    .select([
      'organizations.id as org_id', 'organizations.name as org_name', 'organizations.slug as org_slug', 'organizations.created_at as org_created_at',
      'users.id', 'users.email', 'users.name', 'users.roles', 'users.status', 'users.created_at', 'users.last_login_at', 'users.language',
    ])
    .where('organizations.id', '=', orgId)
    .executeTakeFirstOrThrow();
}
