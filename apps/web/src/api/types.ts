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

// The routes below follow DESIGN.md "Core HTTP API (shape)"; fields beyond it are optional.
export interface AppSummary {
  id: string;
  name: string;
  title: string;
  kind: string;
  latestVersion: string;
  rating?: number | null;
  installs?: number;
  summary?: string;
  author?: string;
  tags?: string[];
  health?: { healthy: number; unhealthy: number } | null;
  createdAt?: string;
}
export interface AppVersion {
  version: string;
  changelog?: string;
  createdAt?: string;
  keyId?: string;
  signature?: string;
  state?: string;
}
export interface AppDetail {
  id: string;
  name: string;
  title: string;
  summary: string;
  kind: string;
  versions: AppVersion[];
  rating?: number | null;
  installs?: number;
  author?: string;
}
export interface AppFile {
  path: string;
  size?: number;
}
export interface Report {
  name: string;
  ok: boolean;
  findings?: { severity: string; message: string; path?: string }[];
}
export interface Review {
  id: string;
  userId: string;
  userName?: string;
  rating: number;
  text: string;
  createdAt: string;
  mine?: boolean;
}
export interface Deployment {
  id: string;
  appId: string;
  appTitle?: string;
  version: string;
  agentId: string;
  agentName?: string;
  state: 'received' | 'rejected' | 'deploying' | 'healthy' | 'unhealthy' | 'rolled-back' | 'removed';
  health: string | null;
  updatedAt: string;
  logTail?: string[];
}
export interface QuickAction {
  id?: string;
  label: string;
  text?: string;
}
export interface ConversationTurn {
  id?: string;
  reply: string;
  spec: Record<string, unknown> | null;
  missing: string[];
  actions: (QuickAction | string)[];
}
export interface PipelineRequest {
  id: string;
  state: string;
  steps?: { name: string; state: string; durationMs?: number; error?: string }[];
  appId?: string;
  version?: string;
}
export interface AnalyticsPoint {
  t: string;
  value: number;
}
export interface Analytics {
  period: string;
  series: Record<string, AnalyticsPoint[]>;
  totals?: Record<string, number>;
}
