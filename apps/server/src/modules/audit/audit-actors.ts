import type { Db } from '../../db/schema.js';

export interface ActorName {
  name: string;
  email: string | null;
}

/**
 * The names behind audit rows' actor ids, looked up in one query per kind: users (name and e-mail),
 * API keys (the key's name and its creator's e-mail) and agents (the workstation's name and its
 * owner's e-mail; an agent acts with its client credentials, whose row id the log keeps).
 */
export async function actorNames(db: Db, orgId: string, rows: { actor_type: string; actor_id: string | null }[]): Promise<Map<string, ActorName>> {
  const ids = (type: string) => [...new Set(rows.filter((row) => row.actor_type === type && row.actor_id).map((row) => row.actor_id!))];
  const names = new Map<string, ActorName>();
  const users = ids('user');
  if (users.length) {
    for (const row of await db.selectFrom('users').select(['id', 'name', 'email']).where('org_id', '=', orgId).where('id', 'in', users).execute()) names.set(`user ${row.id}`, { name: row.name, email: row.email });
  }
  const keys = ids('api-key');
  if (keys.length) {
    const rows = await db.selectFrom('api_keys').leftJoin('users', 'users.id', 'api_keys.created_by').select(['api_keys.id', 'api_keys.name', 'users.email']).where('api_keys.org_id', '=', orgId).where('api_keys.id', 'in', keys).execute();
    for (const row of rows) names.set(`api-key ${row.id}`, { name: row.name, email: row.email ?? null });
  }
  const agents = ids('agent');
  if (agents.length) {
    const rows = await db.selectFrom('agents').leftJoin('users', 'users.id', 'agents.user_id').select(['agents.client_row_id', 'agents.name', 'users.email']).where('agents.org_id', '=', orgId).where('agents.client_row_id', 'in', agents).execute();
    for (const row of rows) names.set(`agent ${row.client_row_id}`, { name: row.name, email: row.email ?? null });
  }
  return names;
}
