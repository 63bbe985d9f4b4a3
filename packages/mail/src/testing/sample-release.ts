import { createHash, randomBytes } from 'node:crypto';
import { RELEASE_PAYLOAD_TYPE } from '../release-envelope.js';

export interface SampleRelease {
  app: string;
  version: string;
  title: string;
  summary: string;
  changelog: string;
  validationSummary: string;
  scanSummary: string;
  signerKeyId: string;
  bundleFileName: string;
  bundle: Buffer;
  envelopeJson: string;
  envelopeFileName: string;
  sha256: string;
  size: number;
}

/**
 * A release as buildReleaseEmail takes it, for tests of mail handling. The bundle is random bytes
 * and the DSSE envelope has the right shape but a placeholder signature: mail code never verifies
 * signatures (@marketplace/release does), so nothing here pretends to be signed.
 */
export function sampleRelease(options: Partial<SampleRelease> & { bundleBytes?: number } = {}): SampleRelease {
  const { bundleBytes, ...overrides } = options;
  const app = overrides.app ?? 'room-booking';
  const version = overrides.version ?? '1.2.0';
  const bundle = overrides.bundle ?? randomBytes(bundleBytes ?? 4096);
  const sha256 = createHash('sha256').update(bundle).digest('hex');
  const statement = { app, version, org: 'acme', bundle: { sha256, size: bundle.length } };
  const envelopeJson = JSON.stringify({
    payloadType: RELEASE_PAYLOAD_TYPE,
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    signatures: [{ keyid: 'acme-release-2026', sig: 'placeholder-not-a-signature' }],
  });
  return {
    app,
    version,
    title: 'Room Booking',
    summary: 'Book meeting rooms and see who has them today.',
    changelog: 'Adds recurring bookings.',
    validationSummary: 'build, 12 tests, start and /healthz passed',
    scanSummary: 'no findings (0 high, 0 medium)',
    signerKeyId: 'acme-release-2026',
    bundleFileName: `${app}-${version}.tgz`,
    envelopeFileName: `${app}-${version}.release.json`,
    envelopeJson,
    ...overrides,
    bundle,
    sha256: overrides.sha256 ?? sha256,
    size: overrides.size ?? bundle.length,
  };
}
