import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
/** 32 random bytes in base64url: what a link carries. Anything else is not a token. */
export const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** One link per reviewer: the token is returned once (for the mail) and only its hash is stored. */
export async function issueLink(db: Db, input: { orgId: string; approvalId: string; reviewerId: string; ttlHours: number }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('approval_links')
    .values({ id: randomUUID(), org_id: input.orgId, approval_id: input.approvalId, reviewer_id: input.reviewerId, token_hash: hashOf(token), expires_at: new Date(Date.now() + input.ttlHours * 3_600_000) })
    .execute();
  return token;
}

export type LinkCheck =
  | { ok: true; link: { id: string; orgId: string; approvalId: string; reviewerId: string } }
  | { ok: false; code: 'LINK_INVALID' | 'LINK_EXPIRED' | 'LINK_USED'; link?: { orgId: string; approvalId: string; reviewerId: string } };

/** What a token is worth now: unknown or altered, expired, used, or good. */
export async function checkLink(db: Db, token: string, now = new Date()): Promise<LinkCheck> {
  if (!LINK_TOKEN.test(token)) return { ok: false, code: 'LINK_INVALID' };
  const row = await db.selectFrom('approval_links').selectAll().where('token_hash', '=', hashOf(token)).executeTakeFirst();
  if (!row) return { ok: false, code: 'LINK_INVALID' };
  const link = { id: row.id, orgId: row.org_id, approvalId: row.approval_id, reviewerId: row.reviewer_id };
  if (row.used_at) return { ok: false, code: 'LINK_USED', link };
  if (row.expires_at.getTime() <= now.getTime()) return { ok: false, code: 'LINK_EXPIRED', link };
  return { ok: true, link };
}

/** Marks the link used; false when another request used it first (one use only). */
export async function consumeLink(db: Db, linkId: string): Promise<boolean> {
  const used = await db.updateTable('approval_links').set({ used_at: new Date() }).where('id', '=', linkId).where('used_at', 'is', null).returning('id').executeTakeFirst();
  return Boolean(used);
}

/** Once decided, no link of the approval works any more. */
export async function closeLinks(db: Db, approvalId: string): Promise<void> {
  await db.updateTable('approval_links').set({ used_at: new Date() }).where('approval_id', '=', approvalId).where('used_at', 'is', null).execute();
}
