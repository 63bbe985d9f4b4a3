import { createHash } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';

/** The cookie that carries one sign-in attempt from the start route to the callback. */
export const SSO_STATE_COOKIE = 'mp_sso';
export const SSO_STATE_PATH = '/api/v1/auth/sso/oidc/callback';
/** How long a person has at the identity provider before the attempt must start again. */
export const SSO_STATE_TTL_SECONDS = 600;

export interface SsoAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

const PURPOSE = 'marketplace sso state v1';

/** A key of its own for the state cookie, derived from the server secret (never the JWT key itself). */
function keyOf(secret: string): Uint8Array {
  return createHash('sha256').update(PURPOSE).update('\0').update(secret).digest();
}

/**
 * The attempt, encrypted and authenticated (JWE, dir + A256GCM): the browser holds it but can neither
 * read the PKCE verifier nor change the return path, and it expires on its own.
 */
export function sealAttempt(secret: string, attempt: SsoAttempt): Promise<string> {
  return new EncryptJWT({ ...attempt })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(`${SSO_STATE_TTL_SECONDS}s`)
    .setAudience(PURPOSE)
    .encrypt(keyOf(secret));
}

/** The attempt, or undefined when the cookie is missing, altered, from another server or expired. */
export async function openAttempt(secret: string, sealed: string | undefined): Promise<SsoAttempt | undefined> {
  if (!sealed || sealed.length > 4_096) return undefined;
  try {
    const { payload } = await jwtDecrypt(sealed, keyOf(secret), { audience: PURPOSE, keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    const { state, nonce, codeVerifier, returnTo } = payload;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof returnTo !== 'string') return undefined;
    return { state, nonce, codeVerifier, returnTo };
  } catch {
    return undefined;
  }
}
