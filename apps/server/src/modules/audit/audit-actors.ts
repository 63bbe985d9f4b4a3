import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';

export interface ActorName {
  name: string;
  email: string | null;
}

export interface TargetName {
  name: string;
  note: string | null;
}

/** Ids the tables hold (uuid columns): anything else in a row (`cli`, a setting's key) is never looked up. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idsOf<T>(rows: readonly T[], pick: (row: T) => string | null | undefined): string[] {
  return [...new Set(rows.map(pick).filter((id): id is string => typeof id === 'string' && UUID.test(id)))];
}

/**
 * Workstations by the ids an agent is known by in the log: the row id of its client credentials (how it
 * acts) or its own id (a target, an MCP call). A client that never enrolled a workstation (made by an
 * admin) is named by the client's own name.
 */
async function agentNames(db: Db, orgId: string, ids: string[]): Promise<Map<string, ActorName>> {
  const names = new Map<string, ActorName>();
  if (ids.length === 0) return names;
  const agents = await db
    .selectFrom('agents')
    .leftJoin('users', 'users.id', 'agents.user_id')
    .select(['agents.id', 'agents.client_row_id', 'agents.name', 'users.email'])
    .where('agents.org_id', '=', orgId)
    .where((eb) => eb.or([eb('agents.client_row_id', 'in', ids), eb('agents.id', 'in', ids)]))
    .execute();
  for (const row of agents) {
    names.set(row.client_row_id, { name: row.name, email: row.email ?? null });
    names.set(row.id, { name: row.name, email: row.email ?? null });
  }
  const clients = ids.filter((id) => !names.has(id));
  if (clients.length) {
    const rows = await db.selectFrom('agent_clients').leftJoin('users', 'users.id', 'agent_clients.created_by').select(['agent_clients.id', 'agent_clients.name', 'users.email']).where('agent_clients.org_id', '=', orgId).where('agent_clients.id', 'in', clients).execute();
    for (const row of rows) names.set(row.id, { name: row.name, email: row.email ?? null });
  }
  return names;
}

async function userNames(db: Db, orgId: string, ids: string[]): Promise<Map<string, ActorName>> {
  const names = new Map<string, ActorName>();
  if (ids.length === 0) return names;
  for (const row of await db.selectFrom('users').select(['id', 'name', 'email']).where('org_id', '=', orgId).where('id', 'in', ids).execute()) names.set(row.id, { name: row.name, email: row.email });
  return names;
}

/**
 * The names behind audit rows' actor ids, keyed `<actor type> <id>`, looked up in one query per kind:
 * users (name and e-mail), API keys (the key's name and its creator's e-mail) and agents (the
 * workstation's name and its owner's e-mail; an agent acts with its client credentials, whose row id
 * the log keeps). Entries written before agents' token requests were recorded as an agent's carry that
 * id as a `user`: an id no user has is looked up among the workstations too.
 */
export async function actorNames(db: Db, orgId: string, rows: { actor_type: string; actor_id: string | null }[]): Promise<Map<string, ActorName>> {
  const ids = (type: string) => idsOf(rows.filter((row) => row.actor_type === type), (row) => row.actor_id);
  const names = new Map<string, ActorName>();
  const users = await userNames(db, orgId, ids('user'));
  for (const [id, name] of users) names.set(`user ${id}`, name);
  const keys = ids('api-key');
  if (keys.length) {
    const rows = await db.selectFrom('api_keys').leftJoin('users', 'users.id', 'api_keys.created_by').select(['api_keys.id', 'api_keys.name', 'users.email']).where('api_keys.org_id', '=', orgId).where('api_keys.id', 'in', keys).execute();
    for (const row of rows) names.set(`api-key ${row.id}`, { name: row.name, email: row.email ?? null });
  }
  const unknownUsers = ids('user').filter((id) => !users.has(id));
  const agents = await agentNames(db, orgId, [...ids('agent'), ...unknownUsers]);
  for (const id of ids('agent')) if (agents.has(id)) names.set(`agent ${id}`, agents.get(id)!);
  for (const id of unknownUsers) if (agents.has(id)) names.set(`user ${id}`, agents.get(id)!);
  return names;
}

/**
 * What audit rows' targets are called, keyed `<target type> <id>`: a deployment and an app by the
 * app's title (a version with its number), an agent (or agent client) by its workstation's name, a user
 * by name (e-mail beside it), a group and the organisation by their names, a conversation and a request
 * by the title of what was asked for. `note` says more where it helps tell two apart: a user's e-mail, the workstation a
 * deployment is on, whose conversation it is. Other targets keep their id.
 */
export async function targetNames(db: Db, orgId: string, rows: { target_type: string | null; target_id: string | null }[]): Promise<Map<string, TargetName>> {
  const ids = (...types: string[]) => idsOf(rows.filter((row) => row.target_type && types.includes(row.target_type)), (row) => row.target_id);
  const names = new Map<string, TargetName>();
  for (const [id, name] of await userNames(db, orgId, ids('user'))) names.set(`user ${id}`, { name: name.name, note: name.email });
  const agents = await agentNames(db, orgId, ids('agent', 'agent_client'));
  for (const type of ['agent', 'agent_client']) for (const id of ids(type)) if (agents.has(id)) names.set(`${type} ${id}`, { name: agents.get(id)!.name, note: null });
  const apps = ids('app');
  if (apps.length) {
    for (const row of await db.selectFrom('apps').select(['id', 'title']).where('org_id', '=', orgId).where('id', 'in', apps).execute()) names.set(`app ${row.id}`, { name: row.title, note: null });
  }
  const deployments = ids('deployment');
  if (deployments.length) {
    const rows = await db
      .selectFrom('deployments')
      .leftJoin('apps', 'apps.id', 'deployments.app_id')
      .leftJoin('agents', 'agents.id', 'deployments.agent_id')
      .select(['deployments.id', 'deployments.app', 'apps.title', 'agents.name as agentName'])
      .where('deployments.org_id', '=', orgId)
      .where('deployments.id', 'in', deployments)
      .execute();
    for (const row of rows) names.set(`deployment ${row.id}`, { name: row.title ?? row.app, note: row.agentName ?? null });
  }
  const versions = ids('app_version');
  if (versions.length) {
    const rows = await db.selectFrom('app_versions').innerJoin('apps', 'apps.id', 'app_versions.app_id').select(['app_versions.id', 'app_versions.version', 'apps.title']).where('app_versions.org_id', '=', orgId).where('app_versions.id', 'in', versions).execute();
    for (const row of rows) names.set(`app_version ${row.id}`, { name: `${row.title} ${row.version}`, note: null });
  }
  const conversations = ids('conversation');
  if (conversations.length) {
    const rows = await db.selectFrom('conversations').leftJoin('users', 'users.id', 'conversations.user_id').select(['conversations.id', 'conversations.title', 'users.name']).where('conversations.org_id', '=', orgId).where('conversations.id', 'in', conversations).execute();
    for (const row of rows) if (row.title) names.set(`conversation ${row.id}`, { name: row.title, note: row.name ?? null });
  }
  const requests = ids('request');
  if (requests.length) {
    const rows = await db.selectFrom('requests').select(['id', sql<string | null>`spec->>'title'`.as('title')]).where('org_id', '=', orgId).where('id', 'in', requests).execute();
    for (const row of rows) if (row.title) names.set(`request ${row.id}`, { name: row.title, note: null });
  }
  const organizations = ids('organization').filter((id) => id === orgId);
  if (organizations.length) {
    const row = await db.selectFrom('organizations').select(['id', 'name']).where('id', '=', orgId).executeTakeFirst();
    if (row) names.set(`organization ${row.id}`, { name: row.name, note: null });
  }
  const groups = ids('group');
  if (groups.length) {
    for (const row of await db.selectFrom('groups').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', groups).execute()) names.set(`group ${row.id}`, { name: row.name, note: null });
  }
  return names;
}
