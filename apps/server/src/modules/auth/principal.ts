import type { Role } from '../accounts/accounts-tables.js';

export interface Principal {
  kind: 'user' | 'api-key' | 'agent';
  orgId: string;
  /** The user id, API key id or agent client id. */
  id: string;
  /** For a user, the user id; for an API key, the user who created it. */
  userId: string | null;
  roles: Role[];
  sessionId?: string;
  via: 'bearer' | 'cookie' | 'api-key';
}

/** Admin implies every other role. */
export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes('admin') || principal.roles.includes(role);
}

export interface AuthRule {
  /** Who may call: default users and API keys. */
  principals?: Principal['kind'][];
  /** Any one of these roles (admin always passes). */
  roles?: Role[];
}

export const ACTOR_TYPE: Record<Principal['kind'], 'user' | 'api-key' | 'agent'> = { user: 'user', 'api-key': 'api-key', agent: 'agent' };
