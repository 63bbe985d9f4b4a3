import { type DsseEnvelope, RELEASE_PAYLOAD_TYPE } from './dsse.js';
import type { PrivateKeyInput } from './keys.js';
import { signStatement } from './sign-statement.js';
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
  const signed = signStatement('release', releaseStatementSchema, statement, RELEASE_PAYLOAD_TYPE, releaseKey);
  return { ...signed, fileName: releaseFileName(signed.statement.app, signed.statement.version) };
}
