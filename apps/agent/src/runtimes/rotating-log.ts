import { closeSync, copyFileSync, mkdirSync, openSync, renameSync, statSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';

export const LOG_MAX_BYTES = 1024 * 1024;
const KEEP = 3;

/**
 * App logs: the app writes straight into `<logs>/<app>.log` (opened O_APPEND, so the app keeps
 * logging when the agent restarts or crashes), and the agent rolls it over to `.1` … `.3` once it
 * passes `maxBytes` (copy, then truncate in place, so the app's open descriptor stays valid).
 */
export function openAppLog(path: string): number {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  rotateIfLarge(path);
  return openSync(path, 'a', 0o600);
}

export function rotateIfLarge(path: string, maxBytes = LOG_MAX_BYTES): boolean {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  for (let i = KEEP - 1; i >= 1; i -= 1) {
    try {
      renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    } catch {}
  }
  copyFileSync(path, `${path}.1`);
  truncateSync(path, 0);
  return true;
}

export const closeLog = (fd: number) => {
  try {
    closeSync(fd);
  } catch {}
};
