/** Longest return path kept; anything longer is not a link a person clicked. */
const MAX_RETURN_TO = 2_000;
const BASE = 'http://return-to.invalid';

/**
 * Where to send the browser after single sign-on: only a path on this site. Absolute URLs,
 * protocol-relative `//host` (and `/\host`, which browsers read the same way) and anything that
 * resolves to another origin fall back to `/`, so the sign-in cannot be turned into an open redirect.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_TO) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // Control characters and backslashes are dropped or rewritten by browsers before they resolve a URL.
  if ([...value].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f' || char === '\\')) return '/';
  let parsed: URL;
  try {
    parsed = new URL(value, BASE);
  } catch {
    return '/';
  }
  if (parsed.origin !== BASE) return '/';
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
