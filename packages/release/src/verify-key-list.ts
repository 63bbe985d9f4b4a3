import { type DsseEnvelope, KEYLIST_PAYLOAD_TYPE, parseEnvelope, verifyEnvelopeSignature } from './dsse.js';
import { failure, type Failure } from './errors.js';
import { type KeyList, keyListProblem, keyListSchema } from './key-list.js';
import { fingerprintOrUnknown } from './key-text.js';
import { loadPublicKey, type PublicKeyInput } from './keys.js';
import { DEFAULT_LIMITS } from './limits.js';

export type KeyListFailureCode = 'KEYLIST_MALFORMED' | 'KEYLIST_UNTRUSTED' | 'KEYLIST_EXPIRED' | 'KEYLIST_ROLLBACK' | 'ORG_MISMATCH';

export interface VerifyKeyListInput {
  /** The signed key list (DSSE envelope JSON, as served by the marketplace). */
  keyList: string | Buffer | DsseEnvelope;
  /** The root public key pinned at enrolment. */
  rootPublicKey: PublicKeyInput;
  /** The highest key list version seen before; a lower one is a rollback. */
  lastSeenVersion?: number;
  /** The organisation the key list must belong to. */
  org?: string;
  now?: Date;
  maxBytes?: number;
}

export type VerifyKeyListResult = { ok: true; keyList: KeyList } | Failure<KeyListFailureCode>;

/** Checks a key list against the pinned root: signature, shape, organisation, expiry and version. */
export function verifyKeyList(input: VerifyKeyListInput): VerifyKeyListResult {
  const refresh = 'Fetch the current key list from the marketplace server and try again.';
  const parsed = parseEnvelope(input.keyList, input.maxBytes ?? DEFAULT_LIMITS.maxKeyListBytes, DEFAULT_LIMITS.maxSignatures);
  if (!parsed.ok) return failure('KEYLIST_MALFORMED', `The organisation key list is unreadable: ${parsed.reason}. ${refresh}`);
  const { envelope, payload } = parsed;
  if (envelope.payloadType !== KEYLIST_PAYLOAD_TYPE) {
    return failure('KEYLIST_MALFORMED', `The file given as the key list is a "${envelope.payloadType}" document, not a key list (${KEYLIST_PAYLOAD_TYPE}). ${refresh}`);
  }
  const root = loadPublicKey(input.rootPublicKey);
  const signedByRoot = envelope.signatures.some((signature) => verifyEnvelopeSignature(envelope.payloadType, payload, signature.sig, root));
  if (!signedByRoot) {
    return failure(
      'KEYLIST_UNTRUSTED',
      `The key list is not signed by the organisation root key pinned at enrolment (fingerprint ${fingerprintOrUnknown(root)}). ` +
        'Do not install releases with it; if the organisation really changed its root key, enrol this agent again.',
    );
  }
  let keyList: KeyList;
  try {
    const result = keyListSchema.safeParse(JSON.parse(payload.toString('utf8')));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return failure('KEYLIST_MALFORMED', `The key list is signed by the root but invalid: ${issue.path.join('.') || '(root)'} ${issue.message}. Report this to your marketplace administrator.`);
    }
    keyList = result.data;
  } catch {
    return failure('KEYLIST_MALFORMED', 'The key list is signed by the root but its payload is not JSON. Report this to your marketplace administrator.');
  }
  const problem = keyListProblem(keyList);
  if (problem) return failure('KEYLIST_MALFORMED', `The key list is signed by the root but inconsistent: ${problem}. Report this to your marketplace administrator.`);
  if (input.org !== undefined && keyList.org !== input.org) {
    return failure('ORG_MISMATCH', `The key list belongs to organisation "${keyList.org}", but this agent is enrolled with "${input.org}". ${refresh}`);
  }
  const now = input.now ?? new Date();
  if (Date.parse(keyList.expiresAt) <= now.getTime()) {
    return failure('KEYLIST_EXPIRED', `The key list of ${keyList.org} (version ${keyList.version}) expired at ${keyList.expiresAt}. ${refresh} An administrator may need to renew it.`);
  }
  if (input.lastSeenVersion !== undefined && keyList.version < input.lastSeenVersion) {
    return failure(
      'KEYLIST_ROLLBACK',
      `The key list is version ${keyList.version}, older than version ${input.lastSeenVersion} already seen; an old list may re-enable revoked keys. ${refresh}`,
    );
  }
  return { ok: true, keyList };
}
