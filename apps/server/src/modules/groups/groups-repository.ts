import type { Db } from '../../db/schema.js';
import { BadRequestError, NotFoundError } from '../../errors/app-error.js';
import { iso } from '../../http/responses.js';

/** The user ids of the given groups of one organisation (unknown ids are ignored). */
export async function membersOfGroups(db: Db, orgId: string, groupIds: string[]): Promise<string[]> {
  if (!groupIds.length) return [];
  const rows = await db.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id').select('group_members.user_id').where('groups.org_id', '=', orgId).where('groups.id', 'in', groupIds).execute();
  return [...new Set(rows.map((row) => row.user_id))];
}

export async function groupView(db: Db, orgId: string, id: string) {
  const group = await db.selectFrom('groups').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!group) throw new NotFoundError('Group', id);
  const members = await db.selectFrom('group_members').select('user_id').where('group_id', '=', id).orderBy('user_id').execute();
  return { id: group.id, name: group.name, members: members.map((m) => m.user_id), createdAt: iso(group.created_at) };
}

/** Refuse, before anything is written, users who are not in the organisation. */
export async function checkMembers(db: Db, orgId: string, userIds: string[]): Promise<string[]> {
  const unique = [...new Set(userIds)];
  const known = unique.length ? await db.selectFrom('users').select('id').where('org_id', '=', orgId).where('id', 'in', unique).execute() : [];
  const missing = unique.filter((id) => !known.some((k) => k.id === id));
  if (missing.length) throw new BadRequestError(`These users are not in your organization: ${missing.join(', ')}.`, 'UNKNOWN_USERS');
  return unique;
}

export async function setMembers(db: Db, groupId: string, unique: string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('group_members').where('group_id', '=', groupId).execute();
    if (unique.length) await trx.insertInto('group_members').values(unique.map((userId) => ({ group_id: groupId, user_id: userId }))).execute();
  });
}

/** Ids of the organisation's groups, by name. */
export function listGroupIds(db: Db, orgId: string) {
  return db.selectFrom('groups').select('id').where('org_id', '=', orgId).orderBy('name').limit(1000).execute();
}

/** Creates the group; undefined when the organisation already has a group of that name. */
export function insertGroup(db: Db, id: string, orgId: string, name: string) {
  return db.insertInto('groups').values({ id, org_id: orgId, name }).onConflict((oc) => oc.columns(['org_id', 'name']).doNothing()).returning('id').executeTakeFirst();
}

export async function renameGroup(db: Db, orgId: string, id: string, name: string) {
  await db.updateTable('groups').set({ name }).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Deletes the group; undefined when the organisation has no such group. */
export function deleteGroup(db: Db, orgId: string, id: string) {
  return db.deleteFrom('groups').where('org_id', '=', orgId).where('id', '=', id).returning('id').executeTakeFirst();
}
