import { ReleaseError } from './errors.js';

/**
 * Every limit applied to untrusted release input, in one place. The deploy agent and the server
 * use the defaults unless an administrator overrides them; tests pass smaller values. A limit
 * that trips ends the check with its own failure code (named beside each limit).
 */
export interface ReleaseLimits {
  /** Largest bundle (.tgz) accepted, in bytes, before it is hashed or unpacked. BUNDLE_TOO_LARGE. */
  maxBundleBytes: number;
  /** Largest release envelope (`.release.json`), in bytes. MALFORMED_ENVELOPE. */
  maxEnvelopeBytes: number;
  /** Largest signed key list, in bytes. KEYLIST_MALFORMED. */
  maxKeyListBytes: number;
  /** Most archive entries (files and directories). TOO_MANY_ENTRIES. */
  maxEntries: number;
  /** Most bytes the archive may expand to (the tar stream after gunzip, headers included). EXPANDED_TOO_LARGE. */
  maxExpandedBytes: number;
  /** Largest single file in the archive. FILE_TOO_LARGE. */
  maxFileBytes: number;
  /** Highest expanded/compressed ratio; real app bundles stay under 15, gzip bombs reach 1000. COMPRESSION_RATIO_EXCEEDED. */
  maxCompressionRatio: number;
  /** The ratio is only judged once this many bytes were expanded, so a few small, very regular files pass. */
  ratioCheckAfterBytes: number;
  /** Longest entry path, in UTF-8 bytes. PATH_TOO_LONG. */
  maxPathBytes: number;
  /** Deepest entry path, in segments. PATH_TOO_LONG. */
  maxPathDepth: number;
  /** Largest `app.json`. MANIFEST_INVALID. */
  maxManifestBytes: number;
  /** Most signatures on one envelope (each costs a verification). MALFORMED_ENVELOPE. */
  maxSignatures: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<ReleaseLimits> = Object.freeze({
  maxBundleBytes: 256 * MiB,
  maxEnvelopeBytes: 1 * MiB,
  maxKeyListBytes: 1 * MiB,
  maxEntries: 20_000,
  maxExpandedBytes: 1024 * MiB,
  maxFileBytes: 256 * MiB,
  maxCompressionRatio: 100,
  ratioCheckAfterBytes: 8 * MiB,
  maxPathBytes: 1024,
  maxPathDepth: 32,
  maxManifestBytes: 256 * 1024,
  maxSignatures: 16,
});

/** The defaults with `overrides` applied; every value must be a positive integer (the ratio may be fractional). */
export function resolveLimits(overrides: Partial<ReleaseLimits> = {}): ReleaseLimits {
  const limits: ReleaseLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides) as [keyof ReleaseLimits, unknown][]) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS)) {
      throw new ReleaseError('INVALID_LIMITS', `Unknown release limit "${name}". Known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}.`);
    }
    const valid = typeof value === 'number' && Number.isFinite(value) && value > 0 && (name === 'maxCompressionRatio' || Number.isInteger(value));
    if (!valid) {
      throw new ReleaseError('INVALID_LIMITS', `Release limit "${name}" must be a positive ${name === 'maxCompressionRatio' ? 'number' : 'integer'}: got ${String(value)}.`);
    }
    limits[name] = value as number;
  }
  return limits;
}
