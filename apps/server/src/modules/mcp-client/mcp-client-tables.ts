import type { DefaultNow, Json } from '../../db/column-types.js';

export const MCP_TRANSPORTS = ['stdio', 'http'] as const;
export type McpTransport = (typeof MCP_TRANSPORTS)[number];

/**
 * An MCP server an admin registered for the organisation. `secrets_sealed` holds the credentials
 * (HTTP headers, or environment variables of a stdio command) as one sealed JSON object; the API
 * returns only their names.
 */
export interface McpServersTable {
  id: string;
  org_id: string;
  name: string;
  description: string;
  transport: McpTransport;
  /** http: the endpoint URL; stdio: null. */
  url: string | null;
  /** stdio: the program and its arguments; http: null and []. */
  command: string | null;
  args: Json<string[]>;
  /** Names of the sealed values (header names for http, variable names for stdio). */
  secret_names: Json<string[]>;
  secrets_sealed: string | null;
  enabled: boolean;
  /** Tools that may be called at all ([]: none); the organisation's policy narrows who may call them. */
  allowed_tools: Json<string[]>;
  created_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface McpClientTables {
  mcp_servers: McpServersTable;
}
