import type { Output, Source } from '../app-spec.js';
import { SPEC_LIMITS, workstationPathSchema } from '../app-spec.js';
import { maskSpans } from './prepare-text.js';
import {
  CSV_SOURCE_WORDS,
  DASHBOARD_OUTPUT_WORDS,
  EMAIL_FROM_CONTEXT,
  EMAIL_PATTERN,
  EMAIL_TO_ME,
  FILE_OUTPUT_CONTEXT,
  FILE_OUTPUT_CONTEXT_WORD,
  FILE_OUTPUT_WORDS,
  FILE_PATH_PATTERN,
  HTTP_SOURCE_WORDS,
  IMAP_WORDS,
  NOTIFY_ME,
  RSS_CONTEXT,
  RSS_SOURCE_WORDS,
  RSS_URL,
  SOURCE_CONTEXT_WORD,
  UNSAFE_PATH_PATTERN,
  URL_PATTERN,
  WEBHOOK_CONTEXT,
  WEBHOOK_URL,
  WEBHOOK_WORDS,
} from './rules/location-rules.js';

export interface Span {
  start: number;
  end: number;
}

/** A located span and what a title shows instead of it (a file's name, or nothing). */
export interface LocationSpan extends Span {
  replacement: string;
}

export interface RejectedLocation {
  text: string;
  reason: 'unsafe-path' | 'unsupported-url';
}

export interface LocationFindings {
  sources: Source[];
  outputs: Output[];
  rejected: RejectedLocation[];
  /** Spans of URLs, addresses and paths, masked before word rules run. */
  spans: LocationSpan[];
  /** Original text with those spans masked. */
  masked: string;
  /** Folded text with those spans masked. */
  foldedMasked: string;
}

const CONTEXT_CHARS = 60;

/** The words of the same sentence just before `start`; a masked URL or path counts as one mark. */
function contextBefore(folded: string, start: number): string {
  const before = folded.slice(Math.max(0, start - CONTEXT_CHARS * 8), start).replace(/¤+/g, '¤');
  const window = before.slice(-CONTEXT_CHARS);
  const sentenceStart = Math.max(window.lastIndexOf('. '), window.lastIndexOf('\n'), window.lastIndexOf('! '), window.lastIndexOf('? '));
  return sentenceStart >= 0 ? window.slice(sentenceStart + 1) : window;
}

function trimTrailingPunctuation(text: string): string {
  return text.replace(/[.,;:!?]+$/, '');
}

/** An absolute path on the workstation a source may read ("/srv/exports/x.csv", "C:\\exports\\x.csv"). */
function isWorkstationPath(path: string): boolean {
  return workstationPathSchema.safeParse(path).success;
}

/** Whether the words before a path say it is read ("from our export at …", "na podstawie pliku …") rather than written. */
function readsFrom(context: string): boolean {
  if (/\b(?:to|into|do|as|jako)\s*$/.test(context)) return false;
  const output = lastIndex(FILE_OUTPUT_CONTEXT_WORD, context);
  const source = lastIndex(SOURCE_CONTEXT_WORD, context);
  return source > output;
}

function lastIndex(pattern: RegExp, text: string): number {
  let last = -1;
  for (const m of text.matchAll(pattern)) last = m.index;
  return last;
}

function isSafeRelativePath(path: string): boolean {
  if (/^(?:[\\/]|~|[A-Za-z]:)/.test(path)) return false;
  return !path.split(/[\\/]/).includes('..') && path.length <= 255;
}

function pushUnique<T extends object>(list: T[], item: T, limit: number): void {
  const key = JSON.stringify(item);
  if (list.length < limit && !list.some((x) => JSON.stringify(x) === key)) list.push(item);
}

/** Find URLs, e-mail addresses and file paths, decide what each is for, and mask them out. */
export function extractLocations(text: string, folded: string): LocationFindings {
  const sources: Source[] = [];
  const outputs: Output[] = [];
  const rejected: RejectedLocation[] = [];
  const spans: LocationSpan[] = [];

  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = trimTrailingPunctuation(match[0]);
    const start = match.index;
    spans.push({ start, end: start + raw.length, replacement: '' });
    const url = /^www\./i.test(raw) ? `https://${raw}` : raw;
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url) || url.length > 2048) {
      rejected.push({ text: raw.slice(0, 200), reason: 'unsupported-url' });
      continue;
    }
    const before = contextBefore(folded, start);
    // "… to Teams the open tickets from https://…": a URL right after "from"/"z" is read, not posted to.
    const readFrom = /\b(?:from|z|ze|pobier\w*\s+z)\s*$/.test(before) && !WEBHOOK_URL.test(url);
    if (WEBHOOK_URL.test(url) || (WEBHOOK_CONTEXT.test(before) && !readFrom)) pushUnique(outputs, { type: 'webhook', target: url }, SPEC_LIMITS.outputs);
    else if (RSS_URL.test(url) || RSS_CONTEXT.test(before)) pushUnique(sources, { type: 'rss', url }, SPEC_LIMITS.sources);
    else pushUnique(sources, { type: 'http-json', url }, SPEC_LIMITS.sources);
  }

  let afterUrls = maskSpans(text, spans);
  const context = maskSpans(folded, spans);
  for (const match of afterUrls.matchAll(EMAIL_PATTERN)) {
    spans.push({ start: match.index, end: match.index + match[0].length, replacement: '' });
    if (EMAIL_FROM_CONTEXT.test(contextBefore(context, match.index))) continue;
    pushUnique(outputs, { type: 'email', target: match[0] }, SPEC_LIMITS.outputs);
  }

  afterUrls = maskSpans(text, spans);
  const contextText = maskSpans(folded, spans);
  for (const match of afterUrls.matchAll(FILE_PATH_PATTERN)) {
    const path = match[1]!;
    const start = match.index + match[0].indexOf(path);
    const safe = isSafeRelativePath(path);
    const context = contextBefore(contextText, start);
    // "our sales export /srv/x.csv", "the HR export at …": an export as a thing read, not the verb.
    const exportNoun = /\b(?!(?:and|then|to|please|also|i|we|will|should|must|can|it|them)\b)[a-z]+\s+export(?:\s+file)?\s*(?:at|in|:)?\s*$/.test(context);
    const isOutput = FILE_OUTPUT_CONTEXT.test(context) && !readsFrom(context) && !exportNoun;
    const isCsv = /\.(?:csv|tsv)$/i.test(path);
    if (!safe && isCsv && !isOutput && isWorkstationPath(path)) {
      spans.push({ start, end: start + path.length, replacement: path.split(/[\\/]/).pop() ?? '' });
      pushUnique(sources, { type: 'csv', workstationPath: path }, SPEC_LIMITS.sources);
      continue;
    }
    spans.push({ start, end: start + path.length, replacement: safe ? (path.split(/[\\/]/).pop() ?? '') : '' });
    if (!safe) {
      rejected.push({ text: path.slice(0, 200), reason: 'unsafe-path' });
      if (/\.(?:csv|tsv)$/i.test(path)) pushUnique(sources, { type: 'csv' }, SPEC_LIMITS.sources);
      continue;
    }
    if (isOutput) pushUnique(outputs, { type: 'file', target: path }, SPEC_LIMITS.outputs);
    else if (/\.(?:csv|tsv)$/i.test(path)) pushUnique(sources, { type: 'csv', path }, SPEC_LIMITS.sources);
  }

  afterUrls = maskSpans(text, spans);
  for (const match of afterUrls.matchAll(UNSAFE_PATH_PATTERN)) {
    const path = trimTrailingPunctuation(match[1]!);
    if (path.length < 2) continue;
    spans.push({ start: match.index, end: match.index + path.length, replacement: '' });
    rejected.push({ text: path.slice(0, 200), reason: 'unsafe-path' });
  }

  const masked = maskSpans(text, spans);
  const foldedMasked = maskSpans(folded, spans);
  addWordLocations(foldedMasked, sources, outputs, rejected);
  return { sources, outputs, rejected, spans, masked, foldedMasked };
}

/** Sources and outputs named only by words ("from my inbox", "post it to Slack", "save as CSV"). */
function addWordLocations(folded: string, sources: Source[], outputs: Output[], rejected: RejectedLocation[]): void {
  if (IMAP_WORDS.test(folded)) pushUnique(sources, { type: 'imap' }, SPEC_LIMITS.sources);

  const fileOutputSpans: Span[] = [];
  for (const rule of FILE_OUTPUT_WORDS) {
    const match = rule.exec(folded);
    if (match) fileOutputSpans.push({ start: match.index, end: match.index + match[0].length });
  }
  if (fileOutputSpans.length > 0 && !outputs.some((o) => o.type === 'file')) pushUnique(outputs, { type: 'file' }, SPEC_LIMITS.outputs);
  const withoutFileOutputs = maskSpans(folded, fileOutputSpans);

  const hasUnsafeCsv = rejected.some((r) => r.reason === 'unsafe-path');
  if (CSV_SOURCE_WORDS.test(withoutFileOutputs) && !sources.some((s) => s.type === 'csv') && !hasUnsafeCsv) {
    pushUnique(sources, { type: 'csv' }, SPEC_LIMITS.sources);
  }
  if (RSS_SOURCE_WORDS.test(folded) && !sources.some((s) => s.type === 'rss')) pushUnique(sources, { type: 'rss' }, SPEC_LIMITS.sources);
  if (HTTP_SOURCE_WORDS.test(folded) && !sources.some((s) => s.type === 'http-json')) pushUnique(sources, { type: 'http-json' }, SPEC_LIMITS.sources);

  if (WEBHOOK_WORDS.test(folded) && !outputs.some((o) => o.type === 'webhook')) pushUnique(outputs, { type: 'webhook' }, SPEC_LIMITS.outputs);
  const toMe = EMAIL_TO_ME.some((rule) => rule.test(folded)) || (NOTIFY_ME.some((rule) => rule.test(folded)) && !outputs.some((o) => o.type === 'webhook'));
  if (toMe && !outputs.some((o) => o.type === 'email')) pushUnique(outputs, { type: 'email' }, SPEC_LIMITS.outputs);
  if (DASHBOARD_OUTPUT_WORDS.test(folded)) pushUnique(outputs, { type: 'dashboard' }, SPEC_LIMITS.outputs);
}

