/**
 * The scan step's rules: secrets that must never ship inside a bundle, and code patterns a generated
 * app has no business containing. Bundled third-party code (dist/) and the app's own tests (test/:
 * they start the app in a child process, and never run on a workstation) are checked for secrets only.
 */
import { notice, type Notice } from '../../http/notice.js';

export interface ScanFinding {
  rule: string;
  path: string;
  line: number;
  excerpt: string;
}

export interface ScannerVerdict {
  name: string;
  verdict: 'clean' | 'flagged';
  detail?: string;
  /** `detail` as a code and parameters, for the UI to word. */
  notice?: Notice;
  findings?: ScanFinding[];
}

export interface ScanReport {
  verdict: 'clean' | 'flagged';
  scanners: ScannerVerdict[];
  files: number;
  bytes: number;
}

const SECRET_RULES: { rule: string; pattern: RegExp }[] = [
  { rule: 'private-key', pattern: /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----/ },
  { rule: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { rule: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { rule: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { rule: 'openai-key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b/ },
  { rule: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { rule: 'marketplace-credential', pattern: /\bmp[krice]_[A-Za-z0-9_-]{40,}\b/ },
  { rule: 'password-assignment', pattern: /\b(?:password|passwd|secret|api[_-]?key)\s*[:=]\s*["'][^"'\s]{8,}["']/i },
];

const PATTERN_RULES: { rule: string; pattern: RegExp }[] = [
  { rule: 'eval', pattern: /\beval\s*\(/ },
  { rule: 'new-function', pattern: /\bnew\s+Function\s*\(/ },
  { rule: 'child-process', pattern: /\bchild_process\b/ },
  { rule: 'shell-rm-rf', pattern: /\brm\s+-rf\s+\// },
  { rule: 'crypto-miner', pattern: /\b(?:stratum\+tcp|coinhive|xmrig)\b/i },
  { rule: 'reverse-shell', pattern: /\/dev\/tcp\/|\bnc\s+-e\b/ },
];

const MAX_SCANNED_BYTES_PER_FILE = 2 * 1024 * 1024;

function scanText(path: string, text: string, rules: { rule: string; pattern: RegExp }[], into: ScanFinding[]): void {
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    for (const { rule, pattern } of rules) {
      if (pattern.test(line)) into.push({ rule, path, line: index + 1, excerpt: line.trim().slice(0, 120).replace(/([A-Za-z0-9_-]{6})[A-Za-z0-9_-]{10,}/g, '$1…') });
    }
  }
}

const secretsOnly = (path: string) => path.startsWith('dist/') || path.startsWith('test/');
const looksBinary = (content: Buffer) => content.subarray(0, 8000).includes(0);

export function scanFiles(files: Map<string, { content: Buffer }>): ScanReport {
  const secrets: ScanFinding[] = [];
  const patterns: ScanFinding[] = [];
  let bytes = 0;
  for (const [path, { content }] of files) {
    bytes += content.length;
    if (looksBinary(content)) continue;
    const text = content.subarray(0, MAX_SCANNED_BYTES_PER_FILE).toString('utf8');
    scanText(path, text, SECRET_RULES, secrets);
    if (!secretsOnly(path)) scanText(path, text, PATTERN_RULES, patterns);
  }
  const examples = (found: ScanFinding[]) => found.slice(0, 3).map((f) => `${f.rule} in ${f.path}:${f.line}`).join(', ');
  const scanners: ScannerVerdict[] = [
    secrets.length
      ? { name: 'secrets', verdict: 'flagged', detail: `${secrets.length} possible secret(s): ${examples(secrets)}`, notice: notice('scan.secretsFound', { count: secrets.length }), findings: secrets }
      : { name: 'secrets', verdict: 'clean', detail: 'no secrets found', notice: notice('scan.noSecrets'), findings: secrets },
    patterns.length
      ? { name: 'patterns', verdict: 'flagged', detail: `${patterns.length} dangerous pattern(s): ${examples(patterns)}`, notice: notice('scan.patternsFound', { count: patterns.length }), findings: patterns }
      : { name: 'patterns', verdict: 'clean', detail: 'no dangerous patterns in the app’s own code', notice: notice('scan.noPatterns'), findings: patterns },
  ];
  return { verdict: scanners.some((s) => s.verdict === 'flagged') ? 'flagged' : 'clean', scanners, files: files.size, bytes };
}
