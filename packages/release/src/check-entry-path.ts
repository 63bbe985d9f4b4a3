import type { ReleaseLimits } from './limits.js';

export type EntryPathProblem = 'ABSOLUTE_PATH' | 'PATH_TRAVERSAL' | 'UNSAFE_PATH' | 'PATH_TOO_LONG';

export type EntryPathCheck = { ok: true; path: string } | { ok: false; code: EntryPathProblem; reason: string };

// Control characters (NUL included) have no place in a file name and confuse terminals and logs.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Checks one archive entry path and returns it normalised: a leading `./` and a trailing `/`
 * removed. The root itself (`./`) comes back as the empty string. Rejected: absolute paths
 * (`/x`, `C:x`, `\\x`), any `..` segment, `.` or empty segments, backslashes (a separator on
 * Windows), control characters, and paths past the length or depth limit.
 */
export function checkEntryPath(raw: string, limits: Pick<ReleaseLimits, 'maxPathBytes' | 'maxPathDepth'>): EntryPathCheck {
  const shown = JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw);
  if (Buffer.byteLength(raw) > limits.maxPathBytes) {
    return { ok: false, code: 'PATH_TOO_LONG', reason: `path ${shown} is longer than ${limits.maxPathBytes} bytes` };
  }
  if (raw.startsWith('/') || raw.startsWith('\\') || /^[A-Za-z]:/.test(raw)) {
    return { ok: false, code: 'ABSOLUTE_PATH', reason: `path ${shown} is absolute` };
  }
  if (CONTROL_CHARACTERS.test(raw)) {
    return { ok: false, code: 'UNSAFE_PATH', reason: `path ${shown} contains a control character` };
  }
  if (raw.includes('\\')) {
    return { ok: false, code: 'UNSAFE_PATH', reason: `path ${shown} contains a backslash` };
  }
  let path = raw.startsWith('./') ? raw.slice(2) : raw;
  if (path.endsWith('/')) path = path.slice(0, -1);
  if (path === '' || path === '.') return { ok: true, path: '' };
  const segments = path.split('/');
  if (segments.includes('..')) {
    return { ok: false, code: 'PATH_TRAVERSAL', reason: `path ${shown} contains a ".." segment` };
  }
  if (segments.some((segment) => segment === '' || segment === '.')) {
    return { ok: false, code: 'UNSAFE_PATH', reason: `path ${shown} contains an empty or "." segment` };
  }
  if (segments.length > limits.maxPathDepth) {
    return { ok: false, code: 'PATH_TOO_LONG', reason: `path ${shown} is deeper than ${limits.maxPathDepth} directories` };
  }
  return { ok: true, path };
}
