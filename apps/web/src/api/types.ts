/** Response shapes of the API, as the server documents them (OpenAPI at /docs/json, DESIGN.md "Core HTTP API"). */
export type Role = 'member' | 'publisher' | 'reviewer' | 'admin';
export const ROLES: readonly Role[] = ['member', 'publisher', 'reviewer', 'admin'];

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  status: 'active' | 'disabled';
  createdAt: string;
  lastLoginAt: string | null;
}
export interface Organization {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
}
export interface SessionResponse {
  token: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
  organization: Organization;
  csrfToken?: string;
}
/** GET /api/v1/auth/sso: the sign-in page's "Sign in with …" buttons. */
export interface SsoProviders {
  enabled: boolean;
  providers: { id: 'oidc'; name: string }[];
}
export interface Me {
  user: User | null;
  organization: Organization;
  roles: Role[];
  via: string;
}
export interface Page<T> {
  items: T[];
  total?: number;
}
export interface Invitation {
  id: string;
  email: string;
  roles: Role[];
  state: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  acceptedAt: string | null;
  createdAt: string;
}
export interface CreatedInvitation extends Invitation {
  token: string;
  acceptUrl: string;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface AgentClient {
  id: string;
  name: string;
  clientId: string;
  createdAt: string;
  lastTokenAt: string | null;
  revokedAt: string | null;
}
export type Settings = Record<string, Record<string, unknown>>;
export interface ConfigExport {
  format: 'marketplace-config';
  version: 1;
  exportedAt?: string;
  settings: Settings;
}
export interface AuditEntry {
  id: string;
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  result: string;
  statusCode: number | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  hash: string;
}
export interface AuditVerification {
  ok: boolean;
  checked: number;
  entryId?: string | null;
  seq?: number;
  problem?: 'modified' | 'missing' | 'reordered' | 'truncated';
}

// Catalog, pipeline, conversations, deployments, agents, keys, LLM, groups: the server's zod schemas.
export interface AppHealth {
  healthy: number;
  unhealthy: number;
}
/** GET /apps items (AppCard). */
export interface AppSummary {
  id: string;
  name: string;
  title: string;
  summary: string;
  kind: string;
  tags: string[];
  latestVersion: string | null;
  rating: number | null;
  ratingCount: number;
  installs: number;
  health?: AppHealth;
  authorId?: string | null;
  authorName?: string | null;
  updatedAt: string;
}
export interface AppVersion {
  version: string;
  publishedAt: string;
  bundleSha256: string;
  bundleSize: number;
  keyId: string;
  changelog: string | null;
  validation: { ok: boolean } & Record<string, unknown>;
  scan: { verdict: string } & Record<string, unknown>;
}
export interface AppDetail extends AppSummary {
  spec: Record<string, unknown>;
  createdAt: string;
  versions: AppVersion[];
}
/** GET /apps/{id}/versions/{version}: the reports and the signed release. */
export interface VersionDetail extends AppVersion {
  manifest: Record<string, unknown>;
  validationReport: Record<string, unknown>;
  scanReport: Record<string, unknown>;
  release: Record<string, unknown>;
}
export interface AppFile {
  path: string;
  size?: number;
  previewable?: boolean;
}
export interface FileContent {
  path: string;
  size: number;
  content: string;
}
export interface Review {
  id: string;
  userId: string;
  userName: string;
  rating: number;
  text: string;
  createdAt: string;
  updatedAt: string;
  mine: boolean;
}
export type DeploymentState = 'received' | 'rejected' | 'deploying' | 'healthy' | 'unhealthy' | 'rolled-back' | 'removed';
export interface DeploymentHealth {
  ok: boolean;
  detail?: string;
  latencyMs?: number;
  /** Where the app answers on its workstation (loopback), reported once healthy. */
  url?: string;
  at?: string;
}
export interface PendingCommand {
  id: string;
  type: string;
  state: string;
}
export interface Deployment {
  id: string;
  appId: string | null;
  app: string;
  version: string;
  agentId: string;
  state: DeploymentState;
  health: DeploymentHealth | null;
  reason: { code: string; message: string } | null;
  updatedAt: string;
  /** The catalog title, when the deployment is linked to a catalog app. */
  appTitle: string | null;
  agentName: string;
  /** A rollback or remove asked for and not yet done by the agent. */
  pendingCommand: PendingCommand | null;
}
export interface DeploymentDetail extends Deployment {
  logTail: string | null;
  history: { state: DeploymentState; reason: { code: string; message: string } | null; health: DeploymentHealth | null; source: string; at: string }[];
}
export interface DeploymentCommand {
  command: { id: string; type: string; state: string; deploymentId: string; createdAt: string };
}
export interface Agent {
  id: string;
  userId: string;
  name: string;
  hostname: string;
  os: string;
  mailbox: string;
  version: string | null;
  runtimes: string[];
  apps: { name: string; version: string; state: string }[];
  lastSeenAt: string | null;
  stale: boolean;
  createdAt: string;
  revokedAt: string | null;
}
export interface Enrollment {
  code: string;
  expiresAt: string;
}
export interface Delivery {
  id: string;
  recipient: string;
  agentId?: string;
  state: 'queued' | 'sending' | 'sent' | 'failed' | string;
  error?: string | null;
}
/** An owner of an app: a user or a group; owners (and admins) manage them. */
export interface AppOwner {
  id: string;
  kind: 'user' | 'group';
  userId: string | null;
  groupId: string | null;
  name: string;
  email: string | null;
  addedAt: string;
}
export interface AppOwners {
  items: AppOwner[];
  canManage: boolean;
}
export interface Group {
  id: string;
  name: string;
  members: string[];
  createdAt: string;
}
export interface QuickAction {
  /** build, change-schedule, use-template:<kind>, show-spec, open-app:<id>, show-request:<id>, deploy:<appId>. */
  id: string;
  label: string;
  message?: string;
}
export interface SimilarApp {
  id: string;
  name: string;
  title: string;
  kind: string;
  latestVersion: string | null;
  score: number;
  shared: string[];
}
/** POST /conversations, POST /conversations/{id}/messages, POST /conversations/{id}/build. */
export interface ConversationTurn {
  id: string;
  reply: string;
  spec: Record<string, unknown>;
  missing: string[];
  questions: string[];
  actions: QuickAction[];
  suggestions: { kind: string; reason: string; complexity: string }[];
  similar: SimilarApp[];
  state: string;
  language: string;
  requestId: string | null;
  intent: string | null;
  notice: string | null;
}
export interface ConversationMessage {
  role: 'user' | 'assistant';
  text: string;
  language: string;
  spec: Record<string, unknown> | null;
  actions: QuickAction[];
  createdAt: string;
}
export interface Conversation {
  id: string;
  title: string;
  channel: string;
  state: string;
  missing: string[];
  requestId: string | null;
  spec: Record<string, unknown>;
  language: string;
  messages: ConversationMessage[];
  createdAt: string;
  updatedAt: string;
}
export interface PipelineStep {
  name: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  durationMs: number | null;
  attempts: number;
  error: { code: string; message: string; output?: string } | null;
}
export interface PipelineRequest {
  id: string;
  state: string;
  steps: PipelineStep[];
  appId: string | null;
  version: string | null;
  error: { step: string; code: string; message: string } | null;
  notice: string | null;
  /** Being added: the release e-mails of the published version. Absent: not delivered yet. */
  deliveries?: Delivery[];
}
export interface OrgKeys {
  org: string;
  rootPublicKey: string;
  rootFingerprint: string;
  keyList: string;
  keyListVersion: number;
  keys: { keyId: string; status: 'active' | 'revoked'; createdAt: string; revokedAt?: string }[];
}
export interface LlmProvider {
  id: string;
  kind: string;
  baseUrl: string | null;
  defaultModel: string | null;
  largeModel: string | null;
  hasApiKey: boolean;
  breaker: string;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastErrorCode: string | null;
  check: { ok: boolean; latencyMs: number; code?: string; message?: string } | null;
}
export interface LlmSettings {
  source: 'org' | 'environment' | 'none';
  active: string | null;
  providers: LlmProvider[];
  taskModels: Record<string, { provider: string; model: string }>;
  limits: Record<string, unknown>;
}
export interface LlmUsageRow {
  key: string | null;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  cacheHits: number;
  avgLatencyMs: number;
}
export interface LlmUsage {
  period: string;
  from: string | null;
  totals: LlmUsageRow;
  byModel: LlmUsageRow[];
  byUser: LlmUsageRow[];
  byConversation: LlmUsageRow[];
}
export interface AnalyticsPoint {
  t: string;
  value: number;
}
export type AnalyticsPeriod = '24h' | '7d' | '30d' | '90d';
export interface Analytics {
  period: AnalyticsPeriod;
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  series: { requests: AnalyticsPoint[]; published: AnalyticsPoint[]; failed: AnalyticsPoint[]; generationSecondsP50: AnalyticsPoint[]; activeUsers: AnalyticsPoint[]; llmCostUsd: AnalyticsPoint[] };
  totals: {
    requests: number; published: number; failed: number; successRate: number | null; generationSecondsP50: number | null; activeUsers: number;
    deployments: number; healthyDeployments: number; llmCalls: number; llmTokens: number; llmCostUsd: number;
  };
  kinds: { kind: string; count: number }[];
  deploymentOutcomes: { state: string; count: number }[];
}
