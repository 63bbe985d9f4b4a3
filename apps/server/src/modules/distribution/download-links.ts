import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring download links for bundles too large to attach: the path names the version and
 * the expiry, the signature is an HMAC under a key derived from JWT_SECRET. The release statement
 * still carries the bundle's hash, so a link can only ever deliver the signed bytes.
 */
const PURPOSE = 'marketplace bundle download v1';

function signature(secret: string, versionId: string, expires: number): string {
  return createHmac('sha256', `${PURPOSE}:${secret}`).update(`${versionId}.${expires}`).digest('base64url');
}

export function signDownloadLink(publicUrl: string, secret: string, versionId: string, ttlHours: number, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + ttlHours * 3600;
  return `${publicUrl}/api/v1/downloads/${versionId}?expires=${expires}&sig=${signature(secret, versionId, expires)}`;
}

export function checkDownloadLink(secret: string, versionId: string, expires: number, sig: string, now = Date.now()): 'ok' | 'expired' | 'invalid' {
  const expected = Buffer.from(signature(secret, versionId, expires));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return expires * 1000 < now ? 'expired' : 'ok';
}
