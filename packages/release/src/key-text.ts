import type { KeyObject } from 'node:crypto';
import { keyFingerprint } from './keys.js';

/** The fingerprint for a message, never throwing. */
export function fingerprintOrUnknown(key: KeyObject): string {
  try {
    return keyFingerprint(key);
  } catch {
    return 'unknown';
  }
}

/** A key id shortened for messages: the first 16 hex digits. */
export function shortKeyId(keyId: string): string {
  return keyId.length > 16 ? `${keyId.slice(0, 16)}…` : keyId;
}
