import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { Role } from './accounts-tables.js';
import { AppError, ConflictError, NotFoundError } from '../../errors/app-error.js';
import { iso, isoOrNull } from '../../http/responses.js';
import { checkPasswordPolicy, hashPassword } from '../../security/passwords.js';
import { hashSecret, newSecret } from '../../security/secrets.js';
import { findUserByEmail, insertUser, type UserRow } from './accounts-repository.js';

const INVITATION_DAYS = 7;

export async function createInvitation(db: Db, orgId: string, invitedBy: string | null, email: string, roles: Role[]) {
  if (await findUserByEmail(db, email)) throw new ConflictError(`${email} already has an account.`, 'EMAIL_TAKEN');
  const token = newSecret('mpi');
  const row = await db
    .insertInto('invitations')
    .values({ id: randomUUID(), org_id: orgId, email, roles, token_hash: hashSecret(token), invited_by: invitedBy, expires_at: new Date(Date.now() + INVITATION_DAYS * 86_400_000) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...publicInvitation(row), token };
}

export function publicInvitation(row: { id: string; email: string; roles: Role[]; expires_at: Date | string; accepted_at: Date | string | null; revoked_at: Date | string | null; created_at: Date | string }) {
  const state: 'accepted' | 'revoked' | 'expired' | 'pending' = row.accepted_at ? 'accepted' : row.revoked_at ? 'revoked' : new Date(row.expires_at) <= new Date() ? 'expired' : 'pending';
  return { id: row.id, email: row.email, roles: row.roles, state, expiresAt: iso(row.expires_at), acceptedAt: isoOrNull(row.accepted_at), createdAt: iso(row.created_at) };
}

export async function listInvitations(db: Db, orgId: string) {
  const rows = await db.selectFrom('invitations').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').limit(500).execute();
  return rows.map(publicInvitation);
}

export async function getInvitation(db: Db, orgId: string, id: string) {
  const row = await db.selectFrom('invitations').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Invitation', id);
  return row;
}

export async function revokeInvitation(db: Db, orgId: string, id: string) {
  await getInvitation(db, orgId, id);
  await db.updateTable('invitations').set({ revoked_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).where('accepted_at', 'is', null).execute();
}

export async function acceptInvitation(db: Db, input: { token: string; name: string; password: string }): Promise<UserRow> {
  const row = await db.selectFrom('invitations').selectAll().where('token_hash', '=', hashSecret(input.token)).executeTakeFirst();
  if (!row || row.revoked_at || row.accepted_at || new Date(row.expires_at) <= new Date()) {
    throw new AppError('INVITATION_INVALID', 404, 'This invitation is unknown, used, revoked or expired; ask your admin for a new one.');
  }
  checkPasswordPolicy(input.password, row.email);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const claimed = await trx.updateTable('invitations').set({ accepted_at: new Date() }).where('id', '=', row.id).where('accepted_at', 'is', null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new ConflictError('This invitation was just used.', 'INVITATION_USED');
    if (await findUserByEmail(trx, row.email)) throw new ConflictError(`${row.email} already has an account; sign in instead.`, 'EMAIL_TAKEN');
    return insertUser(trx, { orgId: row.org_id, email: row.email, name: input.name, passwordHash, roles: row.roles });
  });
}

/** The newest open (not accepted, revoked or expired) invitation for an e-mail, optionally in one organisation. */
export async function findOpenInvitation(db: Db, email: string, orgId?: string) {
  let query = db
    .selectFrom('invitations')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date());
  if (orgId) query = query.where('org_id', '=', orgId);
  return query.orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/**
 * Accept an invitation for someone the identity provider vouched for: the account gets the
 * invitation's organisation and roles, and no password (it signs in through single sign-on only).
 */
export async function acceptInvitationWithoutPassword(db: Db, invitationId: string, name: string): Promise<UserRow> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('invitations').set({ accepted_at: new Date() }).where('id', '=', invitationId).where('accepted_at', 'is', null).returningAll().executeTakeFirst();
    if (!row) throw new ConflictError('This invitation was just used.', 'INVITATION_USED');
    if (await findUserByEmail(trx, row.email)) throw new ConflictError(`${row.email} already has an account; sign in instead.`, 'EMAIL_TAKEN');
    return insertUser(trx, { orgId: row.org_id, email: row.email, name, passwordHash: null, roles: row.roles });
  });
}
