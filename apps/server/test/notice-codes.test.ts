import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeHealth } from '../../agent/src/health-check.js';
import { NOTICE_CODES, noticeSchema, relayedNoticeSchema } from '../src/http/notice.js';
import { scanFiles } from '../src/modules/pipeline/scanner.js';
import { changelogEntries } from '../src/modules/catalog/changelog-entries.js';
import { TRUST_OUTCOMES } from '../src/modules/conversations/trust-outcomes.js';
import { ROUTES } from '../src/modules/mail-processing/mail-rules.js';
import { noticeSentence } from '../src/http/notice-sentence.js';
import { buildStatusEmail, parseStatusEmail } from '@marketplace/mail';
import type { AppSpec } from '@marketplace/spec';

/** The web UI's English and Polish catalogs (read at run time: the web app is not part of the server's build). */
const catalog = async (language: 'en' | 'pl'): Promise<Record<string, any>> => (await import(new URL(`../../web/src/i18n/${language}.ts`, import.meta.url).href))[language];
const en = await catalog('en');
const pl = await catalog('pl');

const lookup = (messages: object, code: string): unknown => code.split('.').reduce<any>((node, key) => node?.[key], (messages as any).notices);
const leaves = (node: object, prefix = ''): string[] =>
  Object.entries(node).flatMap(([key, value]) => (typeof value === 'object' ? leaves(value, `${prefix}${key}.`) : [`${prefix}${key}`]));

describe('server notices', () => {
  it('has an English and a Polish sentence for every code, the Polish one not left in English', () => {
    const missing = NOTICE_CODES.flatMap((code) => [
      ...(typeof lookup(en, code) === 'string' && lookup(en, code) !== '' ? [] : [`en: ${code}`]),
      ...(typeof lookup(pl, code) === 'string' && lookup(pl, code) !== '' ? [] : [`pl: ${code}`]),
    ]);
    expect(missing).toEqual([]);
    expect(NOTICE_CODES.filter((code) => lookup(en, code) === lookup(pl, code))).toEqual([]);
  });

  it('keeps no sentence in the web catalogs for a code the server no longer writes', () => {
    // a plural form (`_one`) stands beside its code; `counts.*` are the counted words sentences nest
    const codeOf = (leaf: string) => leaf.replace(/_(?:zero|one|two|few|many|other)$/, '');
    expect(leaves(en.notices).filter((leaf) => !leaf.startsWith('counts.') && !(NOTICE_CODES as readonly string[]).includes(codeOf(leaf)))).toEqual([]);
    expect(leaves(pl.notices).filter((leaf) => !leaf.startsWith('counts.') && !(NOTICE_CODES as readonly string[]).includes(codeOf(leaf)))).toEqual([]);
  });

  it('says a count in the plural form its number needs (no “(s)”), in the server’s sentences and the web’s alike', async () => {
    const counted = { total: 0, sources: 0, rows: 0, groups: 0, count: 0, runs: 0, items: 0, passed: 0, failed: 0, bytes: 0, max: 0 };
    const web = (await import(new URL('../../web/src/i18n/create-i18n.ts', import.meta.url).href)).createI18n as (language: string) => { t: (key: string, params: object) => string };
    for (const language of ['en', 'pl'] as const) {
      const i18n = web(language);
      for (const code of NOTICE_CODES) {
        for (const n of [1, 2, 5, 22]) {
          const params = Object.fromEntries(Object.keys(counted).map((name) => [name, n]));
          const server = noticeSentence({ code, params }, language, '');
          const shown = i18n.t(`notices.${code}`, params);
          expect(server, `${language} ${code} ${n}`).not.toMatch(/\(s\)|\$t\(/);
          expect(shown, `web ${language} ${code} ${n}`).not.toMatch(/\(s\)|\$t\(/);
          if (/^(?:validation\.exercised|approval\.distributeToOthers)/.test(code)) expect(shown, `web ${language} ${code} ${n}`).toBe(server);
        }
      }
    }
    expect(noticeSentence({ code: 'validation.exercisedDashboard', params: { sources: 1 } }, 'en', '')).toBe('page and data of 1 source');
    expect(noticeSentence({ code: 'validation.exercisedDashboard', params: { sources: 5 } }, 'pl', '')).toBe('strona i dane z 5 źródeł');
    expect(noticeSentence({ code: 'validation.exercisedApi', params: { collection: 'urlopy', id: 'u1', total: 3 } }, 'pl', '')).toBe('utworzono urlopy/u1, lista zawiera 3 rekordy');
  });

  it('words every route a mail analysis records — the rules’ routes and each outcome of the trust rules — in English and Polish', () => {
    const routes = [...ROUTES, ...TRUST_OUTCOMES];
    const missing = routes.flatMap((route) => [en, pl].filter((language) => typeof language.mail.routes[route] !== 'string' || language.mail.routes[route] === '').map((language) => `${language === en ? 'en' : 'pl'}: ${route}`));
    expect(missing).toEqual([]);
    expect(routes.filter((route) => en.mail.routes[route] === pl.mail.routes[route])).toEqual([]);
    expect(Object.keys(en.mail.routes).filter((route) => !(routes as string[]).includes(route))).toEqual([]);
    // the reason's English sentence, which the server stores beside the notice, says the route in words too
    const reason = { code: 'mailStage.routeByTrust', params: { route: 'unknown-sender:replied', ruleRoute: 'conversation' } };
    expect(noticeSentence(reason, 'en', '')).toBe('the trust rules decided (not read: unknown sender, told by mail how to get an account); the rules would say to the conversation engine');
    expect(noticeSentence(reason, 'pl', '')).toBe('zdecydowały reguły zaufania (nieprzeczytana: nieznany nadawca, dostał mail, jak uzyskać konto); reguły skrzynki wskazałyby: do silnika rozmów');
  });

  it('has a word in English and Polish for every audit action the server records', () => {
    const dir = new URL('../src/', import.meta.url);
    const text = (readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).map((file) => readFileSync(new URL(file, dir), 'utf8')).join('\n');
    const written = new Set([...text.matchAll(/(?:audit: |action: )'([a-z][a-z-]*\.[a-z.-]+)'/g)].map((match) => match[1]!));
    for (const verb of text.match(/audit: `approval\.\$\{verb\}`/) ? ['approve', 'reject'] : []) written.add(`approval.${verb}`);
    expect(written.size).toBeGreaterThanOrEqual(70);
    const word = (language: Record<string, any>, action: string) => language.admin.actionWords[action.replaceAll('.', ':')] as unknown;
    expect([...written].filter((action) => typeof word(en, action) !== 'string' || typeof word(pl, action) !== 'string')).toEqual([]);
    expect([...written].filter((action) => word(en, action) === word(pl, action))).toEqual([]);
    expect(Object.keys(en.admin.actionWords).filter((key) => !written.has(key.replaceAll(':', '.')))).toEqual([]);
  });

  it('has a word in English and Polish for every kind of audit target the server records', () => {
    const dir = new URL('../src/', import.meta.url);
    const text = (readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).map((file) => readFileSync(new URL(file, dir), 'utf8')).join('\n');
    const written = new Set([...text.matchAll(/targetType: '([a-z][a-z_-]*)'/g)].map((match) => match[1]!));
    expect(written.size).toBeGreaterThanOrEqual(25);
    expect([...written].filter((type) => typeof en.admin.targetTypes[type] !== 'string' || typeof pl.admin.targetTypes[type] !== 'string')).toEqual([]);
    expect(Object.keys(en.admin.targetTypes).filter((type) => !written.has(type))).toEqual([]);
  });

  it('catches a code without its sentences (the check itself works)', () => {
    expect(lookup(en, 'scan.noSecrets')).toBe('no secrets found');
    expect(lookup(pl, 'scan.notACode')).toBeUndefined();
  });

  it('gives each scanner verdict a notice with a known code beside its English detail', () => {
    const clean = scanFiles(new Map([['src/app.mjs', { content: Buffer.from('export const ok = 1;\n') }]]));
    expect(clean.scanners.map((s) => [s.detail, s.notice])).toEqual([
      ['no secrets found', { code: 'scan.noSecrets', params: {} }],
      ['no dangerous patterns in the app’s own code', { code: 'scan.noPatterns', params: {} }],
    ]);
    const flagged = scanFiles(new Map([['src/app.mjs', { content: Buffer.from('eval(x);\n') }]]));
    expect(flagged.scanners[1]!.notice).toEqual({ code: 'scan.patternsFound', params: { count: 1 } });
    for (const scanner of [...clean.scanners, ...flagged.scanners]) expect(noticeSchema.safeParse(scanner.notice).success).toBe(true);
  });

  it('accepts from an agent a notice of a code it does not know yet, but only in the notice shape', () => {
    expect(relayedNoticeSchema.safeParse({ code: 'health.somethingNew', params: { path: '/health' } }).success).toBe(true);
    expect(relayedNoticeSchema.safeParse({ code: 'Health answered', params: {} }).success).toBe(false);
    expect(relayedNoticeSchema.safeParse({ code: 'health.answered', params: { path: { nested: true } } }).success).toBe(false);
    expect(relayedNoticeSchema.safeParse({ code: 'health.answered', params: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}`, i])) }).success).toBe(false);
  });

  it('knows every code the validation runner and the health probe of the agent write', async () => {
    const known = new Set<string>(NOTICE_CODES);
    const exercises = readdirSync(new URL('../../../packages/generators/src/validate/exercise/', import.meta.url)).filter((file) => !file.includes('.test.')).map((file) => `../../../packages/generators/src/validate/exercise/${file}`);
    const sources = ['../../../packages/generators/src/validate/runner.ts', '../../../packages/generators/src/validate/validate-app.ts', '../../agent/src/health-check.ts', ...exercises];
    const written = sources.flatMap((file) => [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/code: '((?:validation|health)\.[A-Za-z]+)'/g)].map((match) => match[1]!));
    expect(written.length).toBeGreaterThanOrEqual(13);
    expect(written.filter((code) => code.startsWith('validation.exercised')).sort()).toEqual(['validation.exercisedApi', 'validation.exercisedAutomation', 'validation.exercisedDashboard', 'validation.exercisedDataTool', 'validation.exercisedForm']);
    expect(written.filter((code) => !known.has(code))).toEqual([]);
    const app = createServer((_request, response) => response.writeHead(200).end('ok')).listen(0, '127.0.0.1');
    await new Promise((resolve) => app.once('listening', resolve));
    const { port } = app.address() as AddressInfo;
    const healthy = await probeHealth(port, '/healthz');
    await new Promise((resolve) => app.close(resolve));
    const gone = await probeHealth(port, '/healthz', 500);
    expect([healthy.notice, gone.notice].map((n) => n?.code)).toEqual(['health.answered', 'health.failed']);
    expect(healthy.notice!.params).toEqual({ path: '/healthz', status: 200 });
  });

  it('lists no code that nothing writes: each one is in the server, the validation runner or the agent', () => {
    const roots = ['../src/', '../../../packages/generators/src/validate/', '../../agent/src/'];
    const text = roots
      .flatMap((root) => (readdirSync(new URL(root, import.meta.url), { recursive: true }) as string[]).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).map((file) => readFileSync(new URL(root + file, import.meta.url), 'utf8')))
      .join('\n')
      .replace(/^ {2}'[a-z]+\.[A-Za-z]+',$/gm, ''); // the list itself
    expect(NOTICE_CODES.filter((code) => !text.includes(`'${code}'`))).toEqual([]);
  });

  it('knows every notice the agent writes into a deployment’s reason, and each one’s parameters are in its sentences', () => {
    const known = new Set<string>(NOTICE_CODES);
    const dir = new URL('../../agent/src/', import.meta.url);
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts'));
    const written = new Map<string, Set<string>>();
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const match of text.matchAll(/notice\(\s*(?:[^'()]*\?\s*)?'(deployment\.[A-Za-z]+)'(?:\s*:\s*'(deployment\.[A-Za-z]+)')?(?:,\s*\{([^}]*)\})?/g)) {
        const params = (match[3] ?? '').split(',').map((part) => part.split(':')[0]!.trim()).filter(Boolean);
        for (const code of [match[1], match[2]].filter(Boolean) as string[]) written.set(code, new Set([...(written.get(code) ?? []), ...params]));
      }
    }
    expect([...written.keys()].filter((code) => !known.has(code))).toEqual([]);
    // every deployment notice the server lists is one the agent writes
    expect(NOTICE_CODES.filter((code) => code.startsWith('deployment.') && !written.has(code))).toEqual([]);
    for (const [code, params] of written) {
      for (const language of [en, pl]) {
        const sentence = lookup(language, code) as string;
        expect([...sentence.matchAll(/\{\{(\w+)/g)].map((m) => m[1]).filter((name) => !params.has(name!)), `${code} uses a parameter the agent does not send`).toEqual([]);
      }
    }
  });

  it('words a refused release and a missing workstation file in Polish from the reason the agent reports', async () => {
    const { describeUnavailableReadPaths } = await import('../../agent/src/read-path-access.js');
    const { refusedRelease } = await import('../../agent/src/reason.js');
    const i18n = (await import('i18next')).default.createInstance();
    await i18n.init({ lng: 'pl', resources: { pl: { translation: { notices: pl.notices } } }, interpolation: { escapeValue: false } });
    const missing = describeUnavailableReadPaths('notes', '1.0.0', [{ path: '/srv/export.csv', setting: 'INPUT', problem: 'missing' }]);
    expect(missing).toMatchObject({ code: 'READ_PATH_MISSING', message: expect.stringContaining('/srv/export.csv (setting INPUT) does not exist') });
    const worded = missing.notices!.map((n) => i18n.t(`notices.${n.code}`, n.params)).join(' ');
    expect(worded).toBe('notes 1.0.0 czyta plik ze stacji roboczej, którego jeszcze nie ma: /srv/export.csv (INPUT). Umieść tam plik (albo poproś osobę, która go eksportuje, o zapisanie go tam); aplikacja odczyta go, gdy tylko się pojawi.');
    const refused = refusedRelease('SIGNATURE_INVALID', 'The release signature does not verify.');
    expect(i18n.t(`notices.${refused.notices![0]!.code}`, refused.notices![0]!.params)).toBe('Stacja robocza odrzuciła wydanie (SIGNATURE_INVALID).');
  });

  it('writes a changelog entry with a known code for every kind of spec change', () => {
    const before: AppSpec = {
      specVersion: 1, name: 'vacations', title: 'Vacations', summary: 'Vacation requests.', kind: 'form-app', language: 'pl',
      entities: [{ name: 'request', fields: [{ name: 'days', type: 'string' }, { name: 'reason', type: 'text' }] }],
    } as AppSpec;
    const after: AppSpec = {
      ...before, kind: 'api-service', title: 'Urlopy', auth: 'sso',
      entities: [{ name: 'request', fields: [{ name: 'days', type: 'integer' }, { name: 'notes', type: 'text' }] }],
      sources: [{ type: 'rss', url: 'https://intranet.example/feed' }], schedule: { cron: '0 9 * * 5' },
    } as AppSpec;
    const entries = changelogEntries(before, after);
    expect(entries.map((entry) => entry.code)).toEqual(expect.arrayContaining(['changelog.kind', 'changelog.title', 'changelog.fieldTypeChanged', 'changelog.sourceAdded', 'changelog.schedule', 'changelog.auth']));
    expect(entries.find((entry) => entry.code === 'changelog.fieldTypeChanged')!.params).toEqual({ field: 'days', fromType: 'string', toType: 'integer' });
    expect(changelogEntries(null, before)).toEqual([{ code: 'changelog.firstVersion', params: { summary: 'Vacation requests.' } }]);
    expect(changelogEntries(before, before)).toEqual([{ code: 'changelog.rebuilt', params: {} }]);
    for (const entry of [...entries, ...changelogEntries(after, before)]) expect(noticeSchema.safeParse(entry).success, entry.code).toBe(true);
  });

  it('carries the health check’s notice through a status mail', async () => {
    const health = { ok: false, detail: 'GET /health got no answer (ECONNREFUSED)', notice: { code: 'health.failed', params: { path: '/health', error: 'ECONNREFUSED' } } };
    const raw = await buildStatusEmail({ from: 'agent@acme.example', to: 'marketplace@acme.example', messageId: '<s1@acme.example>', status: { statusVersion: 1, agentId: 'a1', app: 'vacations', version: '1.0.0', state: 'unhealthy', health, at: new Date().toISOString() } });
    const parsed = await parseStatusEmail(raw);
    expect(parsed.kind === 'status' && parsed.status.health).toEqual(health);
  });

  it('has a sentence in the web’s catalogs for every reason code the server itself writes into a deployment or a command', () => {
    const dir = new URL('../src/modules/deployments/', import.meta.url);
    const files = (readdirSync(dir) as string[]).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    const codes = [...new Set(files.flatMap((file) => [...readFileSync(new URL(file, dir), 'utf8').matchAll(/code: '([A-Z][A-Z_]+)', message:/g)].map((match) => match[1]!)))];
    expect(codes).toEqual(expect.arrayContaining(['APP_STOPPED', 'APP_NOT_RUNNING', 'COMMAND_UNANSWERED']));
    const missing = codes.flatMap((code) => [en, pl].filter((language) => typeof language.deployments.reasons[code] !== 'string').map((language) => `${language === en ? 'en' : 'pl'}: ${code}`));
    expect(missing).toEqual([]);
    expect(codes.filter((code) => en.deployments.reasons[code] === pl.deployments.reasons[code])).toEqual([]);
  });

  it('gives each reason an approval waits for a notice, worded in Polish in the reviewer’s mail too', async () => {
    const { publishReviewReasons } = await import('../src/modules/approvals/reach-policy.js');
    const { noticeSentence } = await import('../src/http/notice-sentence.js');
    const spec = { sources: [{ type: 'http-json', url: 'https://api.example.com/x' }], mcpTools: [{ server: 'jira', tool: 'create_issue', use: 'output' }] } as never;
    const policy = { publish: 'outside-allow-list', allowedHosts: [], mcpAutomationTools: [] } as never;
    const reasons = [...publishReviewReasons(spec, policy, false), ...publishReviewReasons(spec, { ...(policy as object), publish: 'all' } as never, false)];
    expect(reasons.map((reason) => reason.notice?.code)).toEqual(['approval.hostsOutside', 'approval.mcpToolsOutside', 'approval.allApps', 'approval.mcpToolsOutside']);
    for (const reason of reasons) expect(noticeSchema.safeParse(reason.notice).success, reason.code).toBe(true);
    expect(noticeSentence(reasons[0]!.notice, 'pl', reasons[0]!.message)).toBe('Aplikacja łączy się z hostami spoza listy dozwolonych: api.example.com.');
    expect(noticeSentence(reasons[0]!.notice, 'en', reasons[0]!.message)).toBe(reasons[0]!.message);
  });

  it('has a sentence in the web’s catalogs for every code a failed Git push is recorded with', () => {
    const source = readFileSync(new URL('../src/modules/git-export/git-export-error.ts', import.meta.url), 'utf8');
    const codes = [...source.matchAll(/'((?:GIT_PUSH|GITLAB)_[A-Z_]+)'/g)].map((match) => match[1]!);
    expect(codes.length).toBeGreaterThanOrEqual(6);
    expect(codes.filter((code) => typeof en.gitExport.errors[code] !== 'string' || typeof pl.gitExport.errors[code] !== 'string' || en.gitExport.errors[code] === pl.gitExport.errors[code])).toEqual([]);
  });
});
