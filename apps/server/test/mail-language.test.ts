import { describe, expect, it } from 'vitest';
import { RELEASE_WORDS } from '@marketplace/mail';
import { NOTICE_CODES } from '../src/http/notice.js';
import { deploymentStateWord, noticeSentence } from '../src/http/notice-sentence.js';
import { failingDeploymentLine } from '../src/modules/conversations/command-intents.js';
import { releaseChecksSummary } from '../src/modules/distribution/send-release-job.js';
import { failedReply } from '../src/modules/conversations/reply-text.js';

/** Words a Polish reader should not meet in what the server mails them. */
const ENGLISH = /\b(failed validation|answered|got no answer|unhealthy|rolled back|created|listed|record\(s\)|reviewer rejected)\b/;

describe('mails the server writes, in the recipient’s language', () => {
  it('tells a failed build in Polish, the failed check named in Polish', () => {
    const error = { step: 'validate', message: 'The generated app failed validation at "test": 1 passed, 1 failed.', notice: { code: 'failure.validation' as const, params: { step: 'test', detail: '1 passed, 1 failed' } } };
    const reply = failedReply('pl', 'Urlopy', error);
    expect(reply).toBe('Budowanie „Urlopy” nie powiodło się (validate: Wygenerowana aplikacja nie przeszła walidacji na etapie „Testy”: 1 passed, 1 failed). Zmień specyfikację albo wybierz „Zbuduj” ponownie.');
    expect(failedReply('en', 'Vacations', error)).toContain('The generated app failed validation at “Tests”: 1 passed, 1 failed');
  });

  it('keeps the English reason of a request that failed before reasons had notices', () => {
    expect(failedReply('pl', 'Urlopy', { step: 'package', message: 'the bundle is missing' })).toContain('(package: the bundle is missing)');
  });

  it('lists failing deployments with their state and health in Polish', () => {
    const row = { app: 'urlopy', version: '1.2.0', state: 'unhealthy', health: { ok: false, detail: 'GET /health got no answer (ECONNREFUSED)', notice: { code: 'health.failed', params: { path: '/health', error: 'ECONNREFUSED' } } } };
    expect(failingDeploymentLine(row, 'pl')).toBe('- urlopy 1.2.0: niesprawne (GET /health bez odpowiedzi (ECONNREFUSED))');
    expect(failingDeploymentLine({ app: 'urlopy', version: '1.1.0', state: 'rolled-back', health: null }, 'pl')).toBe('- urlopy 1.1.0: wycofane');
    expect(failingDeploymentLine(row, 'en')).toBe('- urlopy 1.2.0: unhealthy (GET /health got no answer (ECONNREFUSED))');
    // A newer agent's code this server has no sentence for: its English detail.
    expect(failingDeploymentLine({ ...row, health: { ok: false, detail: 'port busy', notice: { code: 'health.portBusy', params: {} } } }, 'pl')).toBe('- urlopy 1.2.0: niesprawne (port busy)');
  });

  it('words every notice the server writes in Polish without English words, given the parameters a notice carries', () => {
    const params = { step: 'health', detail: 'x', details: 'x', note: 'x', reason: 'x', app: 'urlopy', version: '1.0.0', issues: 'x', issue: 'x', message: 'x', path: '/health', status: 200, error: 'x', seconds: 30, last: 'x', port: 4000, bytes: 10, passed: 1, failed: 0, count: 1, threats: 'x', collection: 'x', id: 'x', total: 1, sources: 1, runs: 2, items: 3, rows: 4, groups: 2, summary: 'x', from: 'a', to: 'b', entity: 'x', field: 'x', order: 'x', cron: '0 9 * * 5', timezone: 'UTC', where: '', target: '', kind: 'x', fields: 'x', fromKind: 'form-app', toKind: 'api-service', fromType: 'string', toType: 'integer', source: 'rss', output: 'email', auth: 'sso', language: 'pl', files: '/srv/export.csv', user: 'anna', newer: '1.1.0', current: '1.1.0', by: 'anna', code: 'SIGNATURE_INVALID', rule: 'private-key', host: 'example.com', max: 100, hosts: 'example.com', tools: 'jira/search', server: 'jira', ms: 10000, command: '/usr/bin/mcp', mailKind: 'list', header: 'List-Id', limit: 30, refusal: 'foreign-token', score: 7, threshold: 5, rules: 'click-here +2', action: 'reject', symbols: 'BAYES_SPAM 5', margin: 2.5, cues: 'crash, error', mailClass: 'bug-report', thread: 'release', route: 'inbox', ruleRoute: 'ignore' };
    const worded = NOTICE_CODES.map((code) => [code, noticeSentence({ code, params }, 'pl', 'ENGLISH FALLBACK')] as const);
    expect(worded.filter(([, text]) => text === 'ENGLISH FALLBACK' || ENGLISH.test(text) || text.includes('{{'))).toEqual([]);
    expect(noticeSentence({ code: 'validation.exercisedApi', params: { collection: 'vacations', id: 'v1', total: 1 } }, 'pl', 'created vacations/v1 and listed 1 record')).toBe('utworzono vacations/v1, lista zawiera 1 rekord');
    expect(noticeSentence({ code: 'validation.exercisedDataTool', params: { rows: 22, groups: 5 } }, 'pl', '')).toBe('raport z 22 wierszy w 5 grupach');
    expect(noticeSentence({ code: 'validation.exercisedDataTool', params: { rows: 1, groups: 1 } }, 'en', '')).toBe('report of 1 row in 1 group');
    expect(noticeSentence({ code: 'approval.distributeToOthers', params: { count: 3 } }, 'pl', '')).toMatch(/\(tu: 3 agenty innych osób\)\.$/);
    expect(noticeSentence({ code: 'approval.distributeToOthers', params: { count: 1 } }, 'en', '')).toMatch(/\(this one: 1 agent of another person\)\.$/);
    expect(deploymentStateWord('healthy', 'pl')).toBe('sprawne');
  });

  it('says the release mail’s checks in words: the validation steps, each scanner and its verdict', () => {
    const validation = { ok: true, steps: ['build', 'test', 'start', 'health', 'exercise', 'stop'].map((name) => ({ name, ok: true })) };
    const scan = { verdict: 'clean', scanners: ['secrets', 'patterns', 'clamav'].map((name) => ({ name, verdict: 'clean' })) };
    expect(releaseChecksSummary(validation, scan, 'pl')).toEqual({
      validationSummary: 'zaliczona (Budowanie, Testy, Uruchomienie, Kontrola stanu, Próbny przebieg, Zatrzymanie)',
      scanSummary: 'czysto — Ujawnione sekrety: czysto; Ryzykowne wzorce w kodzie: czysto; Antywirus (ClamAV): czysto',
    });
    expect(releaseChecksSummary(validation, { ...scan, verdict: 'flagged' }, 'en').scanSummary).toBe('flagged — Leaked secrets: clean; Risky code patterns: clean; Antivirus (ClamAV): clean');
    expect(releaseChecksSummary({ ok: false }, {}, 'pl')).toEqual({ validationSummary: 'bez walidacji', scanSummary: 'nieznany' });
  });

  it('words every section of the release mail in Polish, with the file names, hashes and link verbatim', () => {
    const input = { org: 'acme', app: 'urlopy', title: 'Urlopy', version: '1.2.0', signerKeyId: 'acme-2026', sha256: 'ab'.repeat(32), bundleFileName: 'urlopy-1.2.0.tgz', envelopeFileName: 'urlopy-1.2.0.release.json', size: '1.0 KiB', downloadUrl: 'https://mp.example/d/x' };
    for (const downloadUrl of [input.downloadUrl, undefined]) {
      const en = RELEASE_WORDS.en({ ...input, downloadUrl });
      const pl = RELEASE_WORDS.pl({ ...input, downloadUrl });
      expect(Object.keys(pl).sort()).toEqual(Object.keys(en).sort());
      expect(Object.entries(pl).filter(([key, text]) => text === en[key as keyof typeof en] || /\b(the|and|with|bundle|install|check)\b/i.test(text))).toEqual([]);
    }
    const pl = RELEASE_WORDS.pl(input);
    expect(pl.bundleWhere).toContain('urlopy-1.2.0.tgz');
    expect(pl.bundleWhere).toContain('https://mp.example/d/x');
    expect(pl.bundleHash).toContain(input.sha256);
  });
});

