import type { z } from 'zod';
import { type DsseEnvelope, signEnvelope } from './dsse.js';
import { ReleaseError } from './errors.js';
import { keyIdOf, loadPrivateKey, type PrivateKeyInput } from './keys.js';

/**
 * Validates a statement against its schema and signs it as a DSSE envelope of `payloadType` with
 * one or more release keys; the statement's `keyId` must name the first key.
 */
export function signStatement<Schema extends z.ZodType<{ keyId: string }>>(
  what: string,
  schema: Schema,
  statement: z.input<Schema>,
  payloadType: string,
  releaseKey: PrivateKeyInput | PrivateKeyInput[],
): { statement: z.output<Schema>; envelope: DsseEnvelope; json: string } {
  const parsed = schema.safeParse(statement);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ');
    throw new ReleaseError('STATEMENT_INVALID', `The ${what} statement is invalid: ${details}.`);
  }
  const keys = (Array.isArray(releaseKey) ? releaseKey : [releaseKey]).map((key) => loadPrivateKey(key));
  if (keys.length === 0) throw new ReleaseError('INVALID_ARGUMENT', `Signing a ${what} statement needs at least one release key.`);
  const signingKeyId = keyIdOf(keys[0]!);
  if (parsed.data.keyId !== signingKeyId) {
    throw new ReleaseError('KEY_ID_MISMATCH', `The ${what} statement names key ${parsed.data.keyId} but is being signed with key ${signingKeyId}; set statement.keyId to the signing key's id.`);
  }
  const envelope = signEnvelope(payloadType, Buffer.from(JSON.stringify(parsed.data)), keys);
  return { statement: parsed.data, envelope, json: `${JSON.stringify(envelope, null, 2)}\n` };
}
