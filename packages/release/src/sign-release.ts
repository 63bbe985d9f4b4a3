import { type DsseEnvelope, RELEASE_PAYLOAD_TYPE, signEnvelope } from './dsse.js';
import { ReleaseError } from './errors.js';
import { keyIdOf, loadPrivateKey, type PrivateKeyInput } from './keys.js';
import { releaseFileName, type ReleaseStatement, type ReleaseStatementInput, releaseStatementSchema } from './release-statement.js';

export interface SignedRelease {
  statement: ReleaseStatement;
  envelope: DsseEnvelope;
  /** The envelope as JSON text, the content of `fileName`. */
  json: string;
  /** `<name>-<version>.release.json` */
  fileName: string;
}

/**
 * Signs a release statement with the release key (or several, when the key list's threshold
 * asks for more than one signature). `statement.keyId` must name the first key.
 */
export function signRelease(statement: ReleaseStatementInput, releaseKey: PrivateKeyInput | PrivateKeyInput[]): SignedRelease {
  const parsed = releaseStatementSchema.safeParse(statement);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ');
    throw new ReleaseError('STATEMENT_INVALID', `The release statement is invalid: ${details}.`);
  }
  const keys = (Array.isArray(releaseKey) ? releaseKey : [releaseKey]).map((key) => loadPrivateKey(key));
  if (keys.length === 0) throw new ReleaseError('INVALID_ARGUMENT', 'signRelease needs at least one release key.');
  const signingKeyId = keyIdOf(keys[0]!);
  if (parsed.data.keyId !== signingKeyId) {
    throw new ReleaseError('KEY_ID_MISMATCH', `The statement names key ${parsed.data.keyId} but is being signed with key ${signingKeyId}; set statement.keyId to the signing key's id.`);
  }
  const envelope = signEnvelope(RELEASE_PAYLOAD_TYPE, Buffer.from(JSON.stringify(parsed.data)), keys);
  return {
    statement: parsed.data,
    envelope,
    json: `${JSON.stringify(envelope, null, 2)}\n`,
    fileName: releaseFileName(parsed.data.app, parsed.data.version),
  };
}
