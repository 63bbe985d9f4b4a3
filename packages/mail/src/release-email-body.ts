import { escapeHtml } from './html-escape.js';

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
}

export function releaseSubject(fields: ReleaseBodyFields): string {
  if (fields.subject?.trim()) return fields.subject.trim();
  return `${fields.title} ${fields.version} is ready to install (${fields.org})`;
}

interface Section {
  heading: string;
  lines: string[];
  /** Lines shown as commands (monospace in HTML, indented in text). */
  commands?: string[];
}

function sections(fields: ReleaseBodyFields): Section[] {
  const bundleWhere = fields.downloadUrl
    ? `The bundle ${fields.bundleFileName} (${formatSize(fields.size)}) is too large to attach: download it from ${fields.downloadUrl} and keep it beside the attached ${fields.envelopeFileName}.`
    : `Attached: the bundle ${fields.bundleFileName} (${formatSize(fields.size)}) and its signed release ${fields.envelopeFileName}.`;
  const agentCommand = fields.installHint ?? `marketplace-agent install ${fields.envelopeFileName} --bundle ${fields.bundleFileName}`;
  return [
    { heading: 'What it does', lines: [fields.summary] },
    { heading: "What's new", lines: [fields.changelog?.trim() ? fields.changelog.trim() : 'First release, or no changes were noted.'] },
    {
      heading: 'Checks',
      lines: [
        `Validation: ${fields.validationSummary}`,
        `Security scan: ${fields.scanSummary}`,
        `Signed with the ${fields.org} release key ${fields.signerKeyId}.`,
        `Bundle sha256: ${fields.sha256}`,
      ],
    },
    { heading: 'Files', lines: [bundleWhere] },
    {
      heading: 'Install with the deploy agent',
      lines: [
        'If the deploy agent reads this mailbox it installs this release by itself, after checking the signature, the hash and your policy, and reports back.',
        'To install it by hand with the agent (checked the same way, and logged as your own choice), save both files in one folder and run:',
      ],
      commands: [agentCommand],
    },
    {
      heading: 'Install by hand without the agent',
      lines: [
        `1. Check the bundle: the command below must print ${fields.sha256}.`,
        `2. Unpack it into a new folder, then read app.json there: "start" is the command that runs the app (Node.js 20 or newer), "port" and "health" say where it answers.`,
        'Without the agent nothing checks the signature or your policy: prefer the agent.',
      ],
      commands: [`sha256sum ${fields.bundleFileName}`, `mkdir ${fields.app} && tar -xzf ${fields.bundleFileName} -C ${fields.app}`],
    },
  ];
}

export function renderReleaseText(fields: ReleaseBodyFields): string {
  const out = [fields.intro?.trim() ? fields.intro.trim() : `${fields.title} ${fields.version} (${fields.app}), published by ${fields.org}.`, ''];
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
    '<html><head><meta charset="utf-8"><title>' + e(releaseSubject(fields)) + '</title></head>',
    '<body style="font-family: sans-serif; line-height: 1.4; max-width: 42em">',
    `<h1 style="font-size: 1.3em">${e(fields.title)} ${e(fields.version)}</h1>`,
    fields.intro?.trim() ? `<p style="white-space: pre-wrap">${e(fields.intro.trim())}</p>` : `<p><code>${e(fields.app)}</code>, published by ${e(fields.org)}.</p>`,
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
