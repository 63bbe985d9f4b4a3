import type { ColumnType, Generated, Kysely } from 'kysely';

/** Timestamps come back as Date; we write Date or ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** A timestamp the database fills in when omitted. */
type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;

export const ROLES = ['member', 'publisher', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  created_at: DefaultNow;
}

export interface UsersTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  password_hash: string | null;
  roles: Role[];
  status: 'active' | 'disabled';
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  roles: Role[];
  token_hash: string;
  invited_by: string | null;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: DefaultNow;
}

export interface SessionsTable {
  id: string;
  org_id: string;
  user_id: string;
  refresh_hash: string;
  ip: string | null;
  user_agent: string | null;
  created_at: DefaultNow;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

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

export interface AuditLogTable {
  id: string;
  chain: string;
  seq: number;
  org_id: string | null;
  at: Timestamp;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  result: 'success' | 'failure' | 'denied';
  status_code: number | null;
  ip: string | null;
  request_id: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  chain: string;
  seq: number;
  hash: string;
}

export interface OrgSettingsTable {
  org_id: string;
  settings: Json<Record<string, unknown>>;
  updated_by: string | null;
  updated_at: DefaultNow;
}

export const REQUEST_STATES = ['queued', 'generating', 'validating', 'packaging', 'scanning', 'signing', 'published', 'failed'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export interface AppsTable {
  id: string;
  org_id: string;
  name: string;
  title: string;
  summary: string;
  kind: string;
  tags: string[];
  spec: Json<Record<string, unknown>>;
  latest_version: string | null;
  author_id: string | null;
  installs: Generated<number>;
  rating_avg: number | null;
  rating_count: Generated<number>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface RequestsTable {
  id: string;
  org_id: string;
  user_id: string | null;
  source: 'api' | 'conversation' | 'email' | 'mcp' | 'cli';
  text: string | null;
  spec: Json<Record<string, unknown>>;
  state: RequestState;
  error: Json<{ step: string; code: string; message: string } | null> | null;
  notice: string | null;
  app_id: string | null;
  version: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface RequestStepsTable {
  request_id: string;
  name: string;
  position: number;
  state: 'pending' | 'running' | 'done' | 'failed';
  attempts: Generated<number>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  error: Json<{ code: string; message: string; output?: string } | null> | null;
}

export interface RequestFilesTable {
  request_id: string;
  path: string;
  content: Buffer;
  mode: number;
}

export interface RequestOutputsTable {
  request_id: string;
  manifest: Json<Record<string, unknown>> | null;
  validation_report: Json<Record<string, unknown>> | null;
  scan_report: Json<Record<string, unknown>> | null;
  bundle: Buffer | null;
  bundle_sha256: string | null;
  bundle_size: number | null;
  release_json: string | null;
  key_id: string | null;
}

export interface AppVersionsTable {
  id: string;
  app_id: string;
  org_id: string;
  version: string;
  request_id: string | null;
  spec: Json<Record<string, unknown>>;
  manifest: Json<Record<string, unknown>>;
  changelog: string | null;
  bundle_sha256: string;
  bundle_size: number;
  key_id: string;
  release_json: string;
  validation_report: Json<Record<string, unknown>>;
  scan_report: Json<Record<string, unknown>>;
  published_by: string | null;
  published_at: DefaultNow;
}

export interface AppVersionFilesTable {
  version_id: string;
  path: string;
  size: number;
  content: string | null;
}

export interface AppVersionBundlesTable {
  version_id: string;
  bundle: Buffer;
}

export interface DeliveriesTable {
  id: string;
  org_id: string;
  app_id: string;
  version_id: string;
  agent_id: string;
  user_id: string | null;
  recipient: string;
  state: 'queued' | 'sending' | 'sent' | 'failed';
  message_id: string | null;
  attempts: Generated<number>;
  error: string | null;
  requested_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
  sent_at: Timestamp | null;
}

export const CONVERSATION_STATES = ['gathering', 'ready', 'building', 'delivered', 'abandoned'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];
export const CONVERSATION_CHANNELS = ['web', 'email', 'api', 'mcp'] as const;
export type ConversationChannel = (typeof CONVERSATION_CHANNELS)[number];

export interface ConversationsTable {
  id: string;
  org_id: string;
  user_id: string;
  channel: ConversationChannel;
  state: ConversationState;
  title: string;
  spec: Json<Record<string, unknown>>;
  missing: string[];
  language: string;
  request_id: string | null;
  mail_token: string;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface ConversationMessagesTable {
  id: string;
  conversation_id: string;
  org_id: string;
  position: number;
  role: 'user' | 'assistant';
  text: string;
  language: string;
  spec: Json<Record<string, unknown>> | null;
  actions: Json<unknown[]>;
  details: Json<Record<string, unknown>>;
  created_at: DefaultNow;
}

export interface ConversationMailIdsTable {
  message_id: string;
  conversation_id: string;
  org_id: string;
  direction: 'in' | 'out';
  created_at: DefaultNow;
}

export interface IncomingMailTable {
  message_id: string;
  raw: Buffer;
  envelope_from: string;
  envelope_to: string[];
  state: 'stored' | 'processing' | 'done';
  outcome: string | null;
  org_id: string | null;
  conversation_id: string | null;
  attempts: Generated<number>;
  received_at: DefaultNow;
  processed_at: Timestamp | null;
}

export interface MailSenderRepliesTable {
  address: string;
  kind: string;
  last_at: Timestamp;
}

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

export interface GroupsTable {
  id: string;
  org_id: string;
  name: string;
  created_at: DefaultNow;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface ReviewsTable {
  id: string;
  org_id: string;
  app_id: string;
  user_id: string;
  rating: number;
  text: Generated<string>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export const AGENT_COMMAND_TYPES = ['rollback', 'remove'] as const;
export type AgentCommandType = (typeof AGENT_COMMAND_TYPES)[number];
export const AGENT_COMMAND_STATES = ['queued', 'sent', 'done', 'failed'] as const;
export type AgentCommandState = (typeof AGENT_COMMAND_STATES)[number];

/** What the server asks an agent to do about one deployment; delivered with heartbeats and command polls. */
export interface AgentCommandsTable {
  id: string;
  org_id: string;
  agent_id: string;
  deployment_id: string;
  type: AgentCommandType;
  state: AgentCommandState;
  reason: Json<{ code: string; message: string }> | null;
  attempts: Generated<number>;
  requested_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** Enrolment codes for deploy agents (module agents): one use each, hashed. */
export interface AgentEnrollmentsTable {
  id: string;
  org_id: string;
  user_id: string;
  code_hash: string;
  created_by: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  agent_id: string | null;
  created_at: DefaultNow;
}

/** Enrolled deploy agents (module agents). */
export interface AgentsTable {
  id: string;
  org_id: string;
  user_id: string;
  client_row_id: string;
  name: string;
  hostname: string;
  os: string;
  mailbox: string;
  version: string | null;
  runtimes: ColumnType<unknown[], string | undefined, string>;
  apps: ColumnType<unknown[], string | undefined, string>;
  last_seen_at: Timestamp | null;
  created_at: DefaultNow;
  revoked_at: Timestamp | null;
}

/** One row per agent × app × version (module deployments). */
export interface DeploymentsTable {
  id: string;
  org_id: string;
  agent_id: string;
  app_id: string | null;
  app: string;
  version: string;
  state: string;
  health: Json<Record<string, unknown>> | null;
  reason: Json<{ code: string; message: string }> | null;
  log_tail: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** Every state change a deployment went through (module deployments). */
export interface DeploymentEventsTable {
  id: string;
  deployment_id: string;
  state: string;
  reason: Json<{ code: string; message: string }> | null;
  health: Json<Record<string, unknown>> | null;
  source: string;
  at: DefaultNow;
}

/** One root key per organisation, private half encrypted (module org-keys). */
export interface OrgRootKeysTable {
  org_id: string;
  key_id: string;
  public_key: string;
  private_key_encrypted: string;
  key_list_json: string;
  key_list_version: number;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** The organisation's release signing keys, private halves encrypted (module org-keys). */
export interface OrgReleaseKeysTable {
  key_id: string;
  org_id: string;
  public_key: string;
  private_key_encrypted: string;
  status: 'active' | 'revoked';
  created_at: DefaultNow;
  revoked_at: Timestamp | null;
}

/** One password reset link: only the SHA-256 of its token is kept; used once, then `used_at` is set. */
export interface PasswordResetsTable {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: DefaultNow;
}

export interface DB {
  password_resets: PasswordResetsTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  agent_clients: AgentClientsTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  org_settings: OrgSettingsTable;
  apps: AppsTable;
  requests: RequestsTable;
  request_steps: RequestStepsTable;
  request_files: RequestFilesTable;
  request_outputs: RequestOutputsTable;
  app_versions: AppVersionsTable;
  app_version_files: AppVersionFilesTable;
  app_version_bundles: AppVersionBundlesTable;
  deliveries: DeliveriesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  reviews: ReviewsTable;
  conversations: ConversationsTable;
  conversation_messages: ConversationMessagesTable;
  conversation_mail_ids: ConversationMailIdsTable;
  incoming_mail: IncomingMailTable;
  mail_sender_replies: MailSenderRepliesTable;
  llm_providers: LlmProvidersTable;
  llm_org_settings: LlmOrgSettingsTable;
  llm_usage: LlmUsageTable;
  llm_counters: LlmCountersTable;
  agent_commands: AgentCommandsTable;
  agent_enrollments: AgentEnrollmentsTable;
  agents: AgentsTable;
  deployments: DeploymentsTable;
  deployment_events: DeploymentEventsTable;
  org_root_keys: OrgRootKeysTable;
  org_release_keys: OrgReleaseKeysTable;
}

export type Db = Kysely<DB>;
