import type { ColumnType } from 'kysely';
import type { Timestamp, Json, DefaultNow } from '../../db/column-types.js';

export interface LlmProvidersTable {
  org_id: string;
  id: string;
  kind: 'openai' | 'openai-compatible' | 'anthropic' | 'ollama';
  base_url: string | null;
  api_key_encrypted: string | null;
  default_model: string | null;
  large_model: string | null;
  updated_by: string | null;
  updated_at: DefaultNow;
}

export interface LlmOrgSettingsTable {
  org_id: string;
  task_models: Json<Record<string, { provider: string; model: string }>>;
  limits: Json<Record<string, unknown>>;
  updated_at: DefaultNow;
}

export interface LlmUsageTable {
  id: string;
  org_id: string;
  user_id: string | null;
  conversation_id: string | null;
  app_id: string | null;
  task: string;
  provider: string | null;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  cache_hit: boolean;
  outcome: string;
  error_code: string | null;
  at: Timestamp;
}

export interface LlmCountersTable {
  org_id: string;
  kind: 'spend' | 'requests';
  window_start: ColumnType<string, string | number, string | number>;
  value: number;
}

/** The tables module llm-settings owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface LlmSettingsTables {
  llm_providers: LlmProvidersTable;
  llm_org_settings: LlmOrgSettingsTable;
  llm_usage: LlmUsageTable;
  llm_counters: LlmCountersTable;
}
