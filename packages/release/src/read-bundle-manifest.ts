import type { Readable } from 'node:stream';
import { APP_MANIFEST_FILE, type AppManifest, parseAppManifest } from './app-manifest.js';
import { checkEntryPath } from './check-entry-path.js';
import type { Failure } from './errors.js';
import { DEFAULT_LIMITS, type ReleaseLimits } from './limits.js';
import { type ArchiveFailureCode, ArchiveStop, walkTar } from './walk-tar.js';

export type ManifestFailureCode = ArchiveFailureCode | 'MANIFEST_MISSING' | 'MANIFEST_INVALID';

export type ReadManifestResult = { ok: true; manifest: AppManifest } | Failure<ManifestFailureCode>;

/**
 * Reads `app.json` from a bundle without unpacking anything else: the walk stops at the manifest
 * (bundles made by createBundle put it first). Limits apply to what is read on the way.
 */
export async function readBundleManifest(bundle: Buffer | string, limits: ReleaseLimits = DEFAULT_LIMITS): Promise<ReadManifestResult> {
  let raw: Buffer | undefined;
  const walked = await walkTar<ManifestFailureCode>(bundle, limits, async (header, body) => {
    const checked = checkEntryPath(header.name, limits);
    if (!checked.ok || checked.path !== APP_MANIFEST_FILE) return 'next';
    if (header.type !== 'file') throw new ArchiveStop('MANIFEST_INVALID', `${APP_MANIFEST_FILE} in the bundle is a ${header.type ?? 'unknown entry'}, not a file.`);
    if (header.size > limits.maxManifestBytes) {
      throw new ArchiveStop('MANIFEST_INVALID', `${APP_MANIFEST_FILE} is ${header.size} bytes, more than the ${limits.maxManifestBytes} allowed.`);
    }
    raw = await readAll(body);
    return 'stop';
  });
  if (!walked.ok) return walked;
  if (raw === undefined) {
    return { ok: false, code: 'MANIFEST_MISSING', message: `The bundle has no ${APP_MANIFEST_FILE} at its top level, so it is not a marketplace app. Ask the publisher to rebuild it.` };
  }
  return parseManifestBytes(raw);
}

/** Parses app.json bytes into a manifest, or a MANIFEST_INVALID failure listing what is wrong. */
export function parseManifestBytes(raw: Buffer): { ok: true; manifest: AppManifest } | Failure<'MANIFEST_INVALID'> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return { ok: false, code: 'MANIFEST_INVALID', message: `${APP_MANIFEST_FILE} is not valid JSON (${(error as Error).message}). Ask the publisher to rebuild the bundle.` };
  }
  const parsed = parseAppManifest(json);
  if (!parsed.ok) {
    const details = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return { ok: false, code: 'MANIFEST_INVALID', message: `${APP_MANIFEST_FILE} is invalid: ${details}. Ask the publisher to rebuild the bundle.` };
  }
  return { ok: true, manifest: parsed.manifest };
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
