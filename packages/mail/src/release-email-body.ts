import { escapeHtml } from './html-escape.js';
import { RELEASE_WORDS, type ReleaseEmailLanguage, type ReleaseWords } from './release-email-words.js';

/** What the bodies of a release email say; every string here is untrusted for HTML and is escaped there. */
export interface ReleaseBodyFields {
  org: string;
  app: string;
  version: string;
  title: string;
  summary: string;
  changelog?: string | undefined;
  validationSummary: string;
  scanSummary: string;
  signerKeyId: string;
  bundleFileName: string;
  envelopeFileName: string;
  sha256: string;
  size: number;
  /** Set when the bundle is not attached. */
  downloadUrl?: string | undefined;
  /** Replaces the default agent command line. */
  installHint?: string | undefined;
  /** The organisation's wording (its mail template, in the recipient's language): the subject line. */
  subject?: string | undefined;
  /** The organisation's wording: the opening paragraph (plain text; escaped in the HTML part). */
  intro?: string | undefined;
  /** The recipient's language for the sections below the opening paragraph (commands stay verbatim); English when omitted. */
  language?: ReleaseEmailLanguage | undefined;
}

function wordsFor(fields: ReleaseBodyFields): ReleaseWords {
  return RELEASE_WORDS[fields.language ?? 'en']({ ...fields, size: formatSize(fields.size) });
}

export function releaseSubject(fields: ReleaseBodyFields): string {
  if (fields.subject?.trim()) return fields.subject.trim();
  return wordsFor(fields).subject;
}

interface Section {
  heading: string;
  lines: string[];
  /** Lines shown as commands (monospace in HTML, indented in text). */
  commands?: string[];
}

function sections(fields: ReleaseBodyFields): Section[] {
  const w = wordsFor(fields);
  const agentCommand = fields.installHint ?? `marketplace-agent install ${fields.envelopeFileName} --bundle ${fields.bundleFileName}`;
  return [
    { heading: w.whatItDoes, lines: [fields.summary] },
    { heading: w.whatsNew, lines: [fields.changelog?.trim() ? fields.changelog.trim() : w.noChanges] },
    { heading: w.checks, lines: [`${w.validation}: ${fields.validationSummary}`, `${w.scan}: ${fields.scanSummary}`, w.signed, w.bundleHash] },
    { heading: w.files, lines: [w.bundleWhere] },
    { heading: w.withAgent, lines: [w.agentReads, w.agentByHand], commands: [agentCommand] },
    {
      heading: w.withoutAgent,
      lines: [w.checkHash, w.unpack, w.preferAgent],
      commands: [`sha256sum ${fields.bundleFileName}`, `mkdir ${fields.app} && tar -xzf ${fields.bundleFileName} -C ${fields.app}`],
    },
  ];
}

export function renderReleaseText(fields: ReleaseBodyFields): string {
  const out = [fields.intro?.trim() ? fields.intro.trim() : wordsFor(fields).byline, ''];
  for (const section of sections(fields)) {
    out.push(section.heading, '-'.repeat(section.heading.length));
    for (const line of section.lines) out.push(line);
    for (const command of section.commands ?? []) out.push(`    ${command}`);
    out.push('');
  }
  return out.join('\n');
}

export function renderReleaseHtml(fields: ReleaseBodyFields): string {
  const e = escapeHtml;
  const parts = [
    '<!doctype html>',
    `<html lang="${fields.language ?? 'en'}"><head><meta charset="utf-8"><title>${e(releaseSubject(fields))}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.4; max-width: 42em">',
    `<h1 style="font-size: 1.3em">${e(fields.title)} ${e(fields.version)}</h1>`,
    fields.intro?.trim() ? `<p style="white-space: pre-wrap">${e(fields.intro.trim())}</p>` : `<p>${e(wordsFor(fields).byline)}</p>`,
  ];
  for (const section of sections(fields)) {
    parts.push(`<h2 style="font-size: 1.1em">${e(section.heading)}</h2>`);
    for (const line of section.lines) parts.push(`<p style="white-space: pre-wrap">${linkify(line, fields.downloadUrl)}</p>`);
    if (section.commands?.length) {
      parts.push(`<pre style="background: #f4f4f4; padding: 0.5em">${section.commands.map(e).join('\n')}</pre>`);
    }
  }
  parts.push('</body></html>');
  return parts.join('\n');
}

/** Escapes a line and turns the one trusted download URL (validated as http(s) by the caller) into a link. */
function linkify(line: string, downloadUrl: string | undefined): string {
  if (!downloadUrl || !line.includes(downloadUrl)) return escapeHtml(line);
  const [before, ...rest] = line.split(downloadUrl);
  const link = `<a href="${escapeHtml(downloadUrl)}">${escapeHtml(downloadUrl)}</a>`;
  return escapeHtml(before ?? '') + link + escapeHtml(rest.join(downloadUrl));
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
