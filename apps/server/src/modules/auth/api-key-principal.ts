import type { Db } from '../../db/schema.js';
import { ForbiddenError, UnauthorizedError } from '../../errors/app-error.js';
import { parseApiKey, sameHash, hashSecret } from '../../security/secrets.js';
import type { Role } from '../accounts/accounts-tables.js';
import type { Principal } from './principal.js';

/** An API key as the credential check needs it, with its creator's current status and roles applied. */
export interface ApiKeyRecord {
  id: string;
  orgId: string;
  hash: string;
  roles: Role[];
  createdBy: string | null;
  active: boolean;
  ownerActive: boolean;
}

/** A key acts with the roles it was given that its creator still has (admin implies every role on either side). */
function effectiveKeyRoles(keyRoles: Role[], creatorRoles: Role[]): Role[] {
  if (keyRoles.includes('admin')) return creatorRoles;
  if (creatorRoles.includes('admin')) return keyRoles;
  return keyRoles.filter((role) => creatorRoles.includes(role));
}

/** The key with this prefix, or with this id (an unknown one gives an inactive record, so it can be cached too). */
export async function lookupApiKey(db: Db, value: string, by: 'prefix' | 'id' = 'prefix'): Promise<ApiKeyRecord> {
  const found = await db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.created_by')
    .select(['api_keys.id', 'api_keys.org_id', 'api_keys.secret_hash', 'api_keys.roles', 'api_keys.created_by', 'api_keys.revoked_at', 'api_keys.expires_at', 'users.status', 'users.roles as creator_roles'])
    .where(by === 'id' ? 'api_keys.id' : 'api_keys.prefix', '=', value)
    .executeTakeFirst();
  if (!found) return { id: '', orgId: '', hash: '', roles: [], createdBy: null, active: false, ownerActive: false };
  return {
    id: found.id,
    orgId: found.org_id,
    hash: found.secret_hash,
    // A key whose creator was deleted keeps the roles it was given; otherwise at most the creator's current ones.
    roles: found.created_by ? effectiveKeyRoles(found.roles, found.creator_roles ?? []) : found.roles,
    createdBy: found.created_by,
    active: !found.revoked_at && (!found.expires_at || new Date(found.expires_at) > new Date()),
    ownerActive: !found.created_by || found.status === 'active',
  };
}

/**
 * The caller an API key stands for, or the refusal: unknown, revoked or expired keys, a disabled
 * creator, a creator who lost every role the key was given. `onRefused` hears of a refused key of a
 * known organisation (its audit entry belongs to that organisation's chain).
 */
export async function apiKeyPrincipal(value: string, lookup: (prefix: string) => Promise<ApiKeyRecord>, onRefused?: (record: ApiKeyRecord) => void): Promise<Principal> {
  const parsed = parseApiKey(value);
  if (!parsed) throw new UnauthorizedError('The API key is malformed; copy it again from where it was shown once.', 'API_KEY_INVALID');
  const row = await lookup(parsed.prefix);
  if (!row.active || !sameHash(row.hash, hashSecret(parsed.secret))) throw new UnauthorizedError('The API key is unknown, revoked or expired.', 'API_KEY_INVALID');
  if (!row.ownerActive || !row.roles.length) onRefused?.(row);
  if (!row.ownerActive) throw new UnauthorizedError('The account that created this API key is disabled, so the key no longer works; ask an admin for a new key.', 'API_KEY_OWNER_DISABLED');
  if (!row.roles.length) throw new ForbiddenError('The account that created this API key no longer has any of the roles the key was given; ask an admin for a new key.', 'API_KEY_ROLES_REVOKED');
  return { kind: 'api-key', orgId: row.orgId, id: row.id, userId: row.createdBy, roles: row.roles, via: 'api-key' };
}
