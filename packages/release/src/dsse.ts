import { sign, verify, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { keyIdOf } from './keys.js';
import { lazySchema } from './lazy-schema.js';

/**
 * DSSE (Dead Simple Signing Envelope, github.com/secure-systems-lab/dsse): the signature covers
 * the pre-authentication encoding of payload type and payload, never the JSON around them.
 */
export const RELEASE_PAYLOAD_TYPE = 'application/vnd.marketplace.release+json';
export const KEYLIST_PAYLOAD_TYPE = 'application/vnd.marketplace.keylist+json';

// DSSE allows standard or URL-safe base64; padding optional.
const base64 = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, { message: 'must be base64' }),
);

export const dsseEnvelopeSchema = lazySchema(() =>
  z.object({
    payloadType: z.string().min(1).max(256),
    payload: base64,
    signatures: z.array(z.object({ keyid: z.string().max(256).default(''), sig: base64.min(1) })),
  }),
);

export type DsseEnvelope = z.infer<typeof dsseEnvelopeSchema>;

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Signs `payload` with each Ed25519 key; each signature's keyid is the key's id (see keyIdOf). */
export function signEnvelope(payloadType: string, payload: Buffer, keys: KeyObject[]): DsseEnvelope {
  const pae = preAuthEncoding(payloadType, payload);
  return {
    payloadType,
    payload: payload.toString('base64'),
    signatures: keys.map((key) => ({ keyid: keyIdOf(key), sig: sign(null, pae, key).toString('base64') })),
  };
}

export type ParsedEnvelope = { ok: true; envelope: DsseEnvelope; payload: Buffer } | { ok: false; reason: string };

/** Parses envelope JSON (string or bytes) of at most `maxBytes`; nothing in it is trusted yet. */
export function parseEnvelope(input: string | Buffer | DsseEnvelope, maxBytes: number, maxSignatures: number): ParsedEnvelope {
  let value: unknown = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
    if (size > maxBytes) return { ok: false, reason: `it is ${size} bytes, more than the ${maxBytes} allowed` };
    try {
      value = JSON.parse(input.toString());
    } catch {
      return { ok: false, reason: 'it is not valid JSON' };
    }
  }
  const parsed = dsseEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'the envelope'} ${issue.message}` };
  }
  if (parsed.data.signatures.length > maxSignatures) {
    return { ok: false, reason: `it carries ${parsed.data.signatures.length} signatures, more than the ${maxSignatures} allowed` };
  }
  return { ok: true, envelope: parsed.data, payload: Buffer.from(parsed.data.payload, 'base64') };
}

/** Whether `sig` (base64) is a valid Ed25519 signature by `publicKey` over PAE(payloadType, payload). */
export function verifyEnvelopeSignature(payloadType: string, payload: Buffer, sig: string, publicKey: KeyObject): boolean {
  const signature = Buffer.from(sig, 'base64');
  if (signature.length !== 64) return false;
  try {
    return verify(null, preAuthEncoding(payloadType, payload), publicKey, signature);
  } catch {
    return false;
  }
}
