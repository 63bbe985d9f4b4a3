import { open } from 'node:fs/promises';

/**
 * What of an app's log leaves the workstation, and how much. The log is the app's own output, so it
 * may hold anything the app printed: the tail is cut to a size the server keeps, and what looks like
 * a credential is replaced before it is sent.
 */
export const LOG_TAIL_LIMITS = {
  /** Read at most this much from the end of the file: a log of gigabytes costs the same as a small one. */
  readBytes: 64 * 1024,
  /** Lines sent with a deployment report (enough to see why a start failed). */
  reportLines: 40,
  /** Lines sent when someone asks for the latest logs in the marketplace. */
  requestLines: 200,
  /** Characters sent at most, whatever the lines (the server keeps 16 KB per deployment). */
  maxChars: 8000,
} as const;

export const REDACTED = '[redacted]';

const SECRET_KEY = String.raw`(?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|authorization|cookie|session)`;
/** Patterns of credentials whatever the app: each keeps its label and loses its value. */
const PATTERNS: { pattern: RegExp; replace: string }[] = [
  // user:password@ in a URL
  { pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, replace: `$1${REDACTED}@` },
  // Authorization: Bearer … / Basic …
  { pattern: /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: `$1 ${REDACTED}` },
  // JSON Web Tokens
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: REDACTED },
  // the marketplace's own API keys and feed tokens
  { pattern: /\bmp[kf]_[A-Za-z0-9_-]{8,}/g, replace: REDACTED },
  // "password": "…", token=…, API_KEY: … (JSON, query strings, env dumps, key: value lines)
  { pattern: new RegExp(String.raw`(["']?[A-Za-z0-9_.-]*${SECRET_KEY}[A-Za-z0-9_.-]*["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)`, 'gi'), replace: `$1${REDACTED}` },
];

/** The text with every known secret value (the app's secret settings) and credential-like value replaced. */
export function redactLog(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // longest first, so a secret containing another is replaced whole; short values would hide ordinary words
  for (const secret of [...new Set(secrets)].filter((value) => value.length >= 6).sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  for (const { pattern, replace } of PATTERNS) out = out.replace(pattern, replace);
  return out;
}

/**
 * The last `lines` lines of a log file, read from its end only (LOG_TAIL_LIMITS.readBytes), redacted,
 * at most LOG_TAIL_LIMITS.maxChars. A missing file is an empty tail.
 */
export async function readLogTail(file: string, lines: number, secrets: readonly string[] = []): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, LOG_TAIL_LIMITS.readBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let text = buffer.toString('utf8');
    // started mid-file: the first line is only the end of one
    if (length < size) text = text.slice(text.indexOf('\n') + 1);
    const kept = text.split('\n').slice(-lines - 1).join('\n');
    // redact before cutting to size, so a cut never leaves half a secret to slip past a pattern
    return redactLog(kept, secrets).slice(-LOG_TAIL_LIMITS.maxChars);
  } finally {
    await handle.close();
  }
}
