import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { McpServersTable, McpTransport } from './mcp-client-tables.js';

export type McpServerRow = Selectable<McpServersTable>;

export interface NewMcpServer {
  id: string;
  name: string;
  description: string;
  transport: McpTransport;
  url: string | null;
  command: string | null;
  args: string[];
  secretNames: string[];
  secretsSealed: string | null;
  enabled: boolean;
  allowedTools: string[];
}

export type McpServerChange = Partial<Omit<NewMcpServer, 'id' | 'transport'>>;

export function listMcpServers(db: Db, orgId: string) {
  return db.selectFrom('mcp_servers').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

export function findMcpServer(db: Db, orgId: string, id: string) {
  return db.selectFrom('mcp_servers').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Which of these server names the organisation has not registered. */
export async function unregisteredMcpServers(db: Db, orgId: string, names: string[]): Promise<string[]> {
  const wanted = [...new Set(names)];
  if (!wanted.length) return [];
  const found = await db.selectFrom('mcp_servers').select('name').where('org_id', '=', orgId).where('name', 'in', wanted).execute();
  return wanted.filter((name) => !found.some((row) => row.name === name));
}

export function findMcpServerByName(db: Db, orgId: string, name: string) {
  return db.selectFrom('mcp_servers').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
}

export async function insertMcpServer(db: Db, orgId: string, userId: string | null, server: NewMcpServer): Promise<McpServerRow> {
  return db
    .insertInto('mcp_servers')
    .values({
      id: server.id, org_id: orgId, name: server.name, description: server.description, transport: server.transport, url: server.url, command: server.command,
      args: JSON.stringify(server.args), secret_names: JSON.stringify(server.secretNames), secrets_sealed: server.secretsSealed, enabled: server.enabled,
      allowed_tools: JSON.stringify(server.allowedTools), created_by: userId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateMcpServer(db: Db, orgId: string, id: string, change: McpServerChange): Promise<McpServerRow | undefined> {
  return db
    .updateTable('mcp_servers')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.url !== undefined ? { url: change.url } : {}),
      ...(change.command !== undefined ? { command: change.command } : {}),
      ...(change.args !== undefined ? { args: JSON.stringify(change.args) } : {}),
      ...(change.secretNames !== undefined ? { secret_names: JSON.stringify(change.secretNames), secrets_sealed: change.secretsSealed ?? null } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      ...(change.allowedTools !== undefined ? { allowed_tools: JSON.stringify(change.allowedTools) } : {}),
      updated_at: new Date(),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteMcpServer(db: Db, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('mcp_servers').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
