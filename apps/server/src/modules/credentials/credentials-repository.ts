import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { Role } from '../accounts/accounts-tables.js';
import type { ApiKeysTable } from './credentials-tables.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

/** The organisation's API keys, newest first. */
export function listApiKeys(db: Db, orgId: string) {
  return db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').limit(1000).execute();
}

export function insertApiKey(db: Db, values: { orgId: string; name: string; prefix: string; secretHash: string; roles: Role[]; createdBy: string | null; expiresAt: Date | null }) {
  return db
    .insertInto('api_keys')
    .values({
      id: randomUUID(),
      org_id: values.orgId,
      name: values.name,
      prefix: values.prefix,
      secret_hash: values.secretHash,
      roles: values.roles,
      created_by: values.createdBy,
      expires_at: values.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findApiKey(db: Db, orgId: string, id: string) {
  return db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Revokes the key; undefined when the organisation has no such key. */
export function revokeApiKey(db: Db, orgId: string, id: string) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returning(['id', 'prefix'])
    .executeTakeFirst();
}

/** The organisation's agent clients, newest first. */
export function listAgentClients(db: Db, orgId: string) {
  return db.selectFrom('agent_clients').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').limit(1000).execute();
}

export function findAgentClient(db: Db, orgId: string, id: string) {
  return db.selectFrom('agent_clients').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Revokes the client; undefined when the organisation has no such client. */
export function revokeAgentClient(db: Db, orgId: string, id: string) {
  return db.updateTable('agent_clients').set({ revoked_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).returning('id').executeTakeFirst();
}

/** The client behind a client id, of any organisation (the token endpoint is reached before sign-in). */
export function findAgentClientByClientId(db: Db, clientId: string) {
  return db.selectFrom('agent_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function markTokenIssued(db: Db, id: string) {
  await db.updateTable('agent_clients').set({ last_token_at: new Date() }).where('id', '=', id).execute();
}

/** Whether the user who created a credential may still act: a disabled creator's credentials act no more. */
export async function creatorIsActive(db: Db, userId: string): Promise<boolean> {
  const creator = await db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirst();
  return creator?.status === 'active';
}
