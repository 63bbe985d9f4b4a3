import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque credentials we hand out once: refresh tokens, API keys, invitation tokens, agent secrets.
 * They carry 256 bits of randomness, so a plain SHA-256 at rest is enough (unlike passwords).
 * A short typed prefix (`mpk_` …; `mpf_` feed tokens) lets secret scanners and people recognise them.
 */
export type SecretKind = 'mpk' | 'mpr' | 'mpi' | 'mpc' | 'mpe' | 'mpf';

export function newSecret(kind: SecretKind): string {
  return `${kind}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** API keys are `mpk_<id>_<secret>`: the id is looked up, the secret compared by hash. */
export function newApiKey(): { prefix: string; key: string; secretHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { prefix, key: `mpk_${prefix}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseApiKey(value: string): { prefix: string; secret: string } | undefined {
  const match = /^mpk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(value);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}
