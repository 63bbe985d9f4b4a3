import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { SPEC_LIMITS } from '@marketplace/spec';
import type { Db } from '../../db/schema.js';
import type { Role } from '../accounts/accounts-tables.js';

/** Roles that may publish a new version of any app of their organisation, owner or not. */
const PUBLISH_ANY: Role[] = ['publisher', 'admin'];
/** How many `<name>-N` candidates a request tries before it gives up. */
const MAX_NAME_SUFFIX = 50;

/** Whether the user owns the app, directly or through a group they belong to. */
export async function isAppOwner(db: Db, appId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('app_owners')
    .select('id')
    .where('app_id', '=', appId)
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('group_id', 'in', eb.selectFrom('group_members').select('group_id').where('user_id', '=', userId))]))
    .executeTakeFirst();
  return !!row;
}

/** A user may publish into an app they own, or into any app with a publisher or admin role (their current roles). */
export async function mayPublishInto(db: Db, appId: string, userId: string | null): Promise<boolean> {
  if (!userId) return false;
  const user = await db.selectFrom('users').select(['roles', 'status']).where('id', '=', userId).executeTakeFirst();
  if (!user || user.status !== 'active') return false;
  if (user.roles.some((role) => PUBLISH_ANY.includes(role))) return true;
  return isAppOwner(db, appId, userId);
}

/** `<base>-<n>`, the base cut so the whole name stays within the spec's limit and ends without a dash. */
function candidate(name: string, n: number): string {
  const suffix = `-${n}`;
  return `${name.slice(0, SPEC_LIMITS.nameLength - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * The name a request publishes under: the spec's own name when that app does not exist yet or the
 * requester may publish into it; otherwise the first `<name>-2`, `<name>-3`, … that is free or theirs.
 * Two people's unrelated requests never become versions of one app.
 */
export async function publishableName(db: Db, orgId: string, userId: string | null, name: string): Promise<string> {
  for (let n = 1; n <= MAX_NAME_SUFFIX; n++) {
    const tried = n === 1 ? name : candidate(name, n);
    const app = await db.selectFrom('apps').select('id').where('org_id', '=', orgId).where('name', '=', tried).executeTakeFirst();
    if (!app || (await mayPublishInto(db, app.id, userId))) return tried;
  }
  return candidate(name, Date.now() % 1_000_000);
}

/** The owners of an app with their names, users first. */
export async function listOwners(db: Db, orgId: string, appId: string) {
  return db
    .selectFrom('app_owners')
    .leftJoin('users', 'users.id', 'app_owners.user_id')
    .leftJoin('groups', 'groups.id', 'app_owners.group_id')
    .select(['app_owners.id', 'app_owners.user_id', 'app_owners.group_id', 'app_owners.created_at', 'users.name as user_name', 'users.email as user_email', 'groups.name as group_name'])
    .where('app_owners.org_id', '=', orgId)
    .where('app_owners.app_id', '=', appId)
    .orderBy(sql`app_owners.user_id IS NULL`)
    .orderBy('app_owners.created_at')
    .execute();
}

/** Add a user or group as owner; adding one twice (even at the same moment) is a no-op. Returns the owner row id. */
export async function addOwner(db: Db, orgId: string, appId: string, owner: { userId?: string; groupId?: string }, addedBy: string | null): Promise<string> {
  const find = () => db
    .selectFrom('app_owners')
    .select('id')
    .where('app_id', '=', appId)
    .where(owner.userId ? 'user_id' : 'group_id', '=', (owner.userId ?? owner.groupId)!)
    .executeTakeFirst();
  const existing = await find();
  if (existing) return existing.id;
  const id = randomUUID();
  // A concurrent add of the same owner loses the race on the unique index instead of failing.
  const inserted = await db.insertInto('app_owners')
    .values({ id, app_id: appId, org_id: orgId, user_id: owner.userId ?? null, group_id: owner.groupId ?? null, added_by: addedBy })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? (await find())!.id;
}

/** The app's id and name, in the caller's organisation. */
export async function findAppName(db: Db, orgId: string, id: string) {
  return db.selectFrom('apps').select(['id', 'name']).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** A user of the organisation by id or by e-mail (any case). */
export async function findOrgUser(db: Db, orgId: string, by: { userId: string } | { email: string }) {
  const query = db.selectFrom('users').select(['id', 'status']).where('org_id', '=', orgId);
  return ('userId' in by ? query.where('id', '=', by.userId) : query.where(sql<boolean>`lower(email) = ${by.email.toLowerCase()}`)).executeTakeFirst();
}

export async function orgGroupExists(db: Db, orgId: string, groupId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('groups').select('id').where('org_id', '=', orgId).where('id', '=', groupId).executeTakeFirst());
}

/** Removes one owner, never the last (the app's owner rows are locked while deciding). */
export async function removeOwner(db: Db, appId: string, ownerId: string) {
  return db.transaction().execute(async (trx) => {
    const owners = await trx.selectFrom('app_owners').select(['id', 'user_id', 'group_id']).where('app_id', '=', appId).forUpdate().execute();
    const removed = owners.find((owner) => owner.id === ownerId);
    if (!removed) return 'not-found' as const;
    if (owners.length === 1) return 'last-owner' as const;
    await trx.deleteFrom('app_owners').where('id', '=', removed.id).execute();
    return removed;
  });
}
