import type { AppManifest } from './app-manifest.js';
import { failure, type Failure } from './errors.js';

/** The organisation setting that lists the workstation path prefixes apps may read. */
export const READ_PATHS_SETTING = 'policy.workstationReadPaths';

export interface GrantedReadPath {
  path: string;
  setting: string;
  /** The allowed prefix that covers the path. */
  prefix: string;
}

export type ReadPathCheck = { ok: true; granted: GrantedReadPath[] } | (Failure<'READ_PATH_NOT_ALLOWED'> & { refused: string[] });

/** Forward slashes, no trailing slash; Windows paths (drive letter or UNC) compare without case. */
function comparable(path: string): string {
  const windows = /^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('\\\\');
  const slashed = path.replace(/\\/g, '/').replace(/\/+$/, '');
  return windows ? slashed.toLowerCase() : slashed;
}

/** Whether `prefix` covers `path`: the same path, or a directory above it (never "/srv/ex" for "/srv/exports"). */
export function pathWithin(path: string, prefix: string): boolean {
  const target = comparable(path);
  const root = comparable(prefix);
  if (root === '') return false;
  return target === root || target.startsWith(`${root}/`);
}

/**
 * Checks the files an app asks to read outside its data directory (app.json `permissions.readPaths`)
 * against the prefixes the organisation allows. `allowed` must come from something the organisation
 * signed (the delivery statement's policy), never from the release itself: a release can only ask.
 */
export function checkReadPaths(manifest: AppManifest, allowed: readonly string[]): ReadPathCheck {
  const granted: GrantedReadPath[] = [];
  const refused: string[] = [];
  for (const entry of manifest.permissions.readPaths ?? []) {
    const prefix = allowed.find((candidate) => pathWithin(entry.path, candidate));
    if (prefix) granted.push({ ...entry, prefix });
    else refused.push(entry.path);
  }
  if (refused.length === 0) return { ok: true, granted };
  const allowedText = allowed.length ? `allowed: ${allowed.join(', ')}` : 'no workstation path is allowed';
  return {
    ...failure(
      'READ_PATH_NOT_ALLOWED',
      `${manifest.name} ${manifest.version} reads ${refused.map((path) => `"${path}"`).join(', ')} on this workstation, which the organisation policy does not allow (${READ_PATHS_SETTING}: ${allowedText}). Ask an administrator to add the file or its folder to ${READ_PATHS_SETTING}, then send the release again.`,
    ),
    refused,
  };
}
