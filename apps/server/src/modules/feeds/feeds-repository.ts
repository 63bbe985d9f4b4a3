import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import { hashSecret, newSecret } from '../../security/secrets.js';

export async function createFeedToken(db: Db, input: { orgId: string; userId: string; name: string }) {
  const token = newSecret('mpf');
  const row = await db
    .insertInto('feed_tokens')
    .values({ id: randomUUID(), org_id: input.orgId, user_id: input.userId, name: input.name, token_hash: hashSecret(token), prefix: token.slice(4, 10) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, token };
}

export function listFeedTokens(db: Db, orgId: string, userId: string) {
  return db.selectFrom('feed_tokens').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
}

/** Revokes one of the caller's own tokens; false when it has no such token. */
export async function revokeFeedToken(db: Db, orgId: string, userId: string, id: string): Promise<boolean> {
  const result = await db.updateTable('feed_tokens').set({ revoked_at: new Date() }).where('org_id', '=', orgId).where('user_id', '=', userId).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The organisation a live feed token reads, if the token is known, not revoked and its user still active. */
export async function feedTokenOwner(db: Db, token: string): Promise<{ orgId: string; orgName: string; userId: string } | undefined> {
  const row = await db
    .selectFrom('feed_tokens as f')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .innerJoin('organizations as o', 'o.id', 'f.org_id')
    .select(['f.id', 'f.org_id', 'f.user_id', 'o.name as org_name'])
    .where('f.token_hash', '=', hashSecret(token))
    .where('f.revoked_at', 'is', null)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('feed_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  return { orgId: row.org_id, orgName: row.org_name, userId: row.user_id };
}
