import type { KeyObject } from 'node:crypto';
import { verifyEnvelopeSignature } from './dsse.js';
import { failure, type Failure } from './errors.js';
import type { KeyList } from './key-list.js';
import { shortKeyId } from './key-text.js';
import { loadPublicKey } from './keys.js';

const DISCARD = 'Do not install this release; report it to your marketplace administrator.';

/**
 * Which listed, unrevoked keys signed PAE(payloadType, payload): enough of them (the key list's
 * threshold) is a pass; otherwise the most telling reason (altered, revoked, unknown key).
 */
export type SignatureCheck = { ok: true; keyIds: string[] } | Failure<'KEY_UNKNOWN' | 'KEY_REVOKED' | 'SIGNATURE_INVALID'>;

export function checkSignatures(payloadType: string, payload: Buffer, signatures: { keyid: string; sig: string }[], keyList: KeyList, subject: 'release' | 'delivery statement'): SignatureCheck {
  const The = `The ${subject}`;
  if (signatures.length === 0) return failure('SIGNATURE_INVALID', `${The} carries no signature. ${DISCARD}`);
  const valid: string[] = [];
  const revoked: string[] = [];
  const unknown: string[] = [];
  let invalid = 0;
  const publicKeys = new Map<string, KeyObject>();
  for (const signature of signatures) {
    const key = keyList.keys.find((candidate) => candidate.keyId === signature.keyid);
    if (!key) unknown.push(signature.keyid);
    else if (key.status === 'revoked') revoked.push(key.keyId);
    else if (!valid.includes(key.keyId)) {
      const publicKey = publicKeys.get(key.keyId) ?? loadPublicKey(key.publicKey);
      publicKeys.set(key.keyId, publicKey);
      if (verifyEnvelopeSignature(payloadType, payload, signature.sig, publicKey)) valid.push(key.keyId);
      else invalid += 1;
    }
  }
  if (valid.length >= keyList.threshold) return { ok: true, keyIds: valid };
  if (valid.length > 0) {
    return failure('SIGNATURE_INVALID', `${The} has ${valid.length} valid signature(s) but the key list of ${keyList.org} requires ${keyList.threshold}. ${DISCARD}`);
  }
  if (invalid > 0) return failure('SIGNATURE_INVALID', `${The} signature does not match its content: it was altered or damaged after signing. ${DISCARD}`);
  if (revoked.length > 0) {
    return failure('KEY_REVOKED', `${The} is signed with key ${shortKeyId(revoked[0]!)}, which ${keyList.org} has revoked (key list version ${keyList.version}). ${DISCARD}`);
  }
  return failure(
    'KEY_UNKNOWN',
    `${The} is signed with key ${shortKeyId(unknown[0] ?? '')}, which is not in the key list of ${keyList.org} (version ${keyList.version}). ` +
      'If the organisation rotated its keys recently, fetch the current key list and try again; otherwise do not install it.',
  );
}

