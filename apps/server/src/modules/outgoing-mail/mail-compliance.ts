import LinkifyIt from 'linkify-it';

/**
 * Why a mail may not leave: a secret in it, a link to a host the organisation did not allow, the
 * required footer missing, or the message too large. Each has a notice code (`compliance.*`) the UI
 * words in its language.
 */
export type ComplianceCode = 'secret' | 'link-domain' | 'footer-missing' | 'too-large';

export interface ComplianceRules {
  /** Hosts links may point to: exact names, or `*.example.com` for its subdomains (and itself). */
  allowedHosts: readonly string[];
  /** Text the mail must contain (empty: nothing required). */
  footer: string;
  maxBytes: number;
}

export type ComplianceResult =
  | { ok: true }
  | { ok: false; code: ComplianceCode; notice: { code: `compliance.${string}`; params: Record<string, string | number> }; message: string };

/**
 * Secrets a mail must never carry. The kind is reported, never the value. Marketplace credentials
 * (API keys mpk_, feed tokens mpf_, agent credentials), private keys, cloud and forge tokens, and a
 * password written out after "password:" / "hasło:".
 */
const SECRET_RULES: { rule: string; pattern: RegExp }[] = [
  { rule: 'marketplace-credential', pattern: /\bmp[kfrice]_[A-Za-z0-9_-]{20,}/ },
  { rule: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { rule: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { rule: 'aws-secret-key', pattern: /\baws_secret_access_key\s*[:=]\s*\S{20,}/i },
  { rule: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { rule: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { rule: 'openai-key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b/ },
  { rule: 'password', pattern: /\b(?:password|passwd|pwd|hasło|haslo)\s*[:=]\s*\S{4,}/i },
];

const linkify = new LinkifyIt({}, { fuzzyEmail: false });

/** Hosts of the links a reader could click: every URL with a scheme, and bare `www.` names (clients link those). */
export function linkHosts(text: string): string[] {
  const hosts = new Set<string>();
  for (const match of linkify.match(text) ?? []) {
    if (match.schema === 'mailto:') continue;
    if (match.schema === '' && !match.raw.toLowerCase().startsWith('www.')) continue;
    try {
      const url = new URL(match.schema === '' || match.schema === '//' ? `https://${match.url.replace(/^(?:https?:)?\/\//, '')}` : match.url);
      if (url.hostname) hosts.add(url.hostname.toLowerCase().replace(/\.$/, ''));
    } catch {
      hosts.add(match.raw.slice(0, 100));
    }
  }
  return [...hosts];
}

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.startsWith('*.') ? host === rule.slice(2) || host.endsWith(rule.slice(1)) : host === rule;
  });
}

const normalSpace = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Checks a mail before it is sent: the first rule it breaks, or ok. `bytes` is the whole MIME
 * message's size; `linkText`, when given, is the only part whose links are checked (a release's
 * changelog names the hosts its app reaches, which the publishing policy already reviewed).
 */
export function checkCompliance(mail: { subject: string; text: string; html?: string; linkText?: string; bytes: number }, rules: ComplianceRules): ComplianceResult {
  const readable = [mail.subject, mail.text, mail.html ?? ''].join('\n');
  for (const { rule, pattern } of SECRET_RULES) {
    if (pattern.test(readable)) return block('secret', 'compliance.secret', { rule }, `The mail contains what looks like a secret (${rule}); remove it and send again.`);
  }
  for (const host of linkHosts(mail.linkText ?? readable)) {
    if (!hostAllowed(host, rules.allowedHosts)) {
      return block('link-domain', 'compliance.linkDomain', { host }, `The mail links to ${host}, which is not an allowed link domain; remove the link or ask an administrator to allow the domain (Admin → Settings).`);
    }
  }
  if (rules.footer.trim() && !normalSpace(mail.text).includes(normalSpace(rules.footer))) {
    return block('footer-missing', 'compliance.footerMissing', {}, 'The mail lacks the organisation’s required footer; put the {{footer}} placeholder into its template.');
  }
  if (mail.bytes > rules.maxBytes) {
    return block('too-large', 'compliance.tooLarge', { bytes: mail.bytes, max: rules.maxBytes }, `The mail is ${mail.bytes} bytes, more than the allowed ${rules.maxBytes}; make it smaller (a release is sent as a download link above the attachment limit).`);
  }
  return { ok: true };
}

function block(code: ComplianceCode, notice: `compliance.${string}`, params: Record<string, string | number>, message: string): ComplianceResult {
  return { ok: false, code, notice: { code: notice, params }, message };
}
