import type { Timestamp, DefaultNow } from '../../db/column-types.js';
import type { Role } from '../accounts/accounts-tables.js';

export interface ApiKeysTable {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  roles: Role[];
  created_by: string | null;
  created_at: DefaultNow;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AgentClientsTable {
  id: string;
  org_id: string;
  name: string;
  client_id: string;
  secret_hash: string;
  created_by: string | null;
  created_at: DefaultNow;
  last_token_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** The tables module credentials owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface CredentialsTables {
  api_keys: ApiKeysTable;
  agent_clients: AgentClientsTable;
}
