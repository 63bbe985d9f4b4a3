import { randomBytes, randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { AgentClientsTable } from './credentials-tables.js';
import { iso, isoOrNull } from '../../http/responses.js';
import { hashSecret, newSecret } from '../../security/secrets.js';

export const toPublic = (row: Selectable<AgentClientsTable>) => ({
  id: row.id,
  name: row.name,
  clientId: row.client_id,
  createdAt: iso(row.created_at),
  lastTokenAt: isoOrNull(row.last_token_at),
  revokedAt: isoOrNull(row.revoked_at),
});

/** Create machine credentials for a deploy agent; used by enrolment and by admins directly. */
export async function createAgentClient(db: Db, orgId: string, createdBy: string | null, name: string) {
  const clientSecret = newSecret('mpc');
  const row = await db
    .insertInto('agent_clients')
    .values({ id: randomUUID(), org_id: orgId, name, client_id: `agt_${randomBytes(9).toString('base64url')}`, secret_hash: hashSecret(clientSecret), created_by: createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toPublic(row), clientSecret };
}
