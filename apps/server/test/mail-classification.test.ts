import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailSender } from '@marketplace/mail';
import type { MailHub } from '@marketplace/mail/hub';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { startEmbeddedMailHub } from '../src/modules/mail-intake/embedded-mail-hub.js';
import { CORPUS, type CorpusMail } from './mail-corpus.js';
import { corpusMessage, labelOf, MARKETPLACE, setupPipelineOrg, type PipelineOrg } from './mail-pipeline-org.js';
import { maildirInbox } from './maildir-inbox.js';
import { call, createTestApp, type TestApp } from './helper.js';
import { swaksRaw } from './swaks-raw.js';
import { requireBinary } from './system-binary.js';

/**
 * Floors for the built-in engine on the labelled set (docs/decisions/0031-inbound-mail-pipeline.md):
 * the class a person would give (spam counted as its own class), and the app of the mails that concern one.
 */
const CLASS_FLOOR = 0.85;
const APP_FLOOR = 0.9;

const swaksBinary = requireBinary('swaks', 'swaks');
let t: TestApp;
let hub: MailHub;
let dataDir: string;
let org: PipelineOrg;
const db = () => t.database.db as Db;
const runId = randomUUID().slice(0, 8);
const sent = new Map<string, string>();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mail-classification-'));
  // the queue reads each message from the hub's Maildir copy: both use this DATA_DIR
  t = await createTestApp({ env: { SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000', DATA_DIR: dataDir } });
  org = await setupPipelineOrg(t.app, db());
  const config = { ...t.app.config, host: '127.0.0.1', smtp: { ...t.app.config.smtp, listenPort: 0 } };
  hub = await startEmbeddedMailHub(config, { db: db(), mailQueue: t.app.mailQueue }, pino({ level: 'warn' }));
  // replies (conversation answers, owners' replies) go back through the same hub
  t.app.conversationServices.mail.sender = createMailSender({ host: '127.0.0.1', port: hub.port });
}, 180_000);

afterAll(async () => {
  await hub?.close();
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** swaks sends `raw`; a message the hub does not take fails the run. */
async function swaks(from: string, to: string, raw: Buffer): Promise<string> {
  const { code, output } = await swaksRaw(swaksBinary!, hub.port, { from, to }, raw);
  if (code !== 0) throw new Error(`swaks failed (${code}): ${output.slice(-500)}`);
  return output;
}

async function send(mail: CorpusMail, extraHeaders: string[] = []): Promise<string> {
  const message = corpusMessage({ ...mail, headers: [...(mail.headers ?? []), ...extraHeaders] }, org, runId);
  await swaks(message.from, message.to, message.raw);
  sent.set(mail.id, message.messageId);
  return message.messageId;
}

/** The message's recorded outcome and its analysis, once the queue has processed it. */
async function processed(messageId: string) {
  for (const started = Date.now(); Date.now() - started < 120_000; await new Promise((r) => setTimeout(r, 100))) {
    const row = await db().selectFrom('incoming_mail').select(['state', 'outcome']).where('message_id', '=', messageId).executeTakeFirst();
    if (row && (row.state === 'done' || row.state === 'quarantined')) {
      const analysis = await db().selectFrom('mail_analyses').selectAll().where('message_id', '=', messageId).executeTakeFirst();
      return { outcome: row.outcome, analysis };
    }
  }
  throw new Error(`no outcome recorded for ${messageId}`);
}

describe.skipIf(!swaksBinary)('inbound pipeline on a labelled set sent through swaks', () => {
  const results: { mail: CorpusMail; label: string; app: string | null; outcome: string | null }[] = [];

  beforeAll(async () => {
    const ids = org.apps;
    const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
    for (let i = 0; i < CORPUS.length; i += 4) {
      await Promise.all(CORPUS.slice(i, i + 4).map((mail) => send(mail)));
    }
    for (const mail of CORPUS) {
      const { outcome, analysis } = await processed(sent.get(mail.id)!);
      results.push({ mail, label: analysis ? labelOf(analysis) : 'none', app: analysis?.app_id ? (names[analysis.app_id] ?? 'other') : null, outcome });
    }
  }, 600_000);

  it(`classifies at least ${CLASS_FLOOR * 100} % of the mails as a person would, and finds the app of ${APP_FLOOR * 100} % of those about one`, () => {
    const right = results.filter((r) => r.label === r.mail.label);
    const aboutApps = results.filter((r) => r.mail.app);
    const appsRight = aboutApps.filter((r) => r.app === r.mail.app);
    const wrong = results.filter((r) => r.label !== r.mail.label).map((r) => `${r.mail.id}: ${r.label} (expected ${r.mail.label})`);
    const wrongApps = aboutApps.filter((r) => r.app !== r.mail.app).map((r) => `${r.mail.id}: ${r.app} (expected ${r.mail.app})`);
    console.log(`classification ${right.length}/${results.length}, app ${appsRight.length}/${aboutApps.length}\n${[...wrong, ...wrongApps].join('\n')}`);
    expect(results).toHaveLength(CORPUS.length);
    expect(right.length / results.length, wrong.join('; ')).toBeGreaterThanOrEqual(CLASS_FLOOR);
    expect(appsRight.length / aboutApps.length, wrongApps.join('; ')).toBeGreaterThanOrEqual(APP_FLOOR);
    // no app is invented for mail that concerns none (requests, questions, spam)
    expect(results.filter((r) => !r.mail.app && r.app && r.mail.from === 'stranger')).toEqual([]);
  });

  it('explains every stage, says the built-in spam rules ran without RSPAMD_URL, and keeps the trust rules outcome for unproven mail', async () => {
    const analyses = await db().selectFrom('mail_analyses').selectAll().where('org_id', '=', org.admin.orgId).execute();
    expect(analyses.length).toBeGreaterThanOrEqual(CORPUS.filter((m) => m.from === 'reporter').length);
    for (const a of analyses) {
      for (const stage of ['sender', 'spam', 'language', 'classification', 'app', 'summary', 'route']) {
        expect(a.stages[stage], `${a.message_id} ${stage}`).toMatchObject({ result: expect.any(String), reason: expect.any(String), ms: expect.any(Number) });
      }
      expect(a.stages.spam!.engine).toBe('builtin');
      expect(a.stages.spam!.reason).toContain('RSPAMD_URL not set');
    }
    const byId = (id: string) => results.find((r) => r.mail.id === id)!;
    expect(byId('bug-en-1').outcome).toBe('inbox:bug-report');
    expect(byId('fb-pl-2').outcome).toBe('inbox:feedback');
    expect(byId('ar-en-1').outcome).toBe('ignored:auto-reply');
    expect(byId('sp-en-2').outcome).toMatch(/^unknown-sender:/);
    expect(byId('req-en-2').outcome).toMatch(/^answered/);
    // languages as written
    const langOk = results.filter((r) => analyses.find((a) => a.message_id === sent.get(r.mail.id))?.language === r.mail.lang).length;
    expect(langOk / results.filter((r) => analyses.some((a) => a.message_id === sent.get(r.mail.id))).length).toBeGreaterThanOrEqual(0.9);
  });

  it("puts a bug report in its owners' inbox with the version the sender runs and a draft in their language; only owners and admins see it", async () => {
    const list = (await call(t.app, org.admin, { method: 'GET', url: '/api/v1/messages' })).json().items as any[];
    const bug = list.find((m) => m.subject === 'Room booking crashes');
    expect(bug).toMatchObject({ classification: 'bug-report', senderVersion: '1.2.0', language: 'en', app: { name: 'room-booking' }, sender: org.reporter.email });
    expect(bug.summary).toContain('crashes with an error 500');
    expect(bug.draft).toMatch(/^Hello,[\s\S]*Room booking \(version 1\.2\.0\)/);
    const polish = list.find((m) => m.subject === 'Błąd w room-booking');
    expect(polish.draft).toMatch(/^Dzień dobry,[\s\S]*wersja 1\.2\.0/);
    // the reporter is no owner of the app: nothing listed, the message is not found
    expect((await call(t.app, org.reporter, { method: 'GET', url: '/api/v1/messages' })).json().items).toEqual([]);
    expect((await call(t.app, org.reporter, { method: 'GET', url: `/api/v1/messages/${bug.id}` })).statusCode).toBe(404);
    expect((await call(t.app, org.reporter, { method: 'POST', url: `/api/v1/messages/${bug.id}/reply`, payload: { text: 'hi' } })).statusCode).toBe(404);
  });

  it("sends the owner's edited reply from the marketplace's address, threaded, and the sender's answer joins the thread", async () => {
    const list = (await call(t.app, org.admin, { method: 'GET', url: '/api/v1/messages' })).json().items as any[];
    const bug = list.find((m) => m.subject === 'Room booking crashes');
    const reply = await call(t.app, org.admin, { method: 'POST', url: `/api/v1/messages/${bug.id}/reply`, payload: { text: 'Thanks Jan, fixed in 1.2.1: please update.' } });
    expect(reply.statusCode, reply.body).toBe(201);
    const mails = await maildirInbox(() => dataDir).waitForMail(org.reporter.email, 1);
    const ours = mails.find((m) => m.messageId === reply.json().messageId)!;
    expect(ours).toBeDefined();
    expect(ours.subject).toBe('Re: Room booking crashes');
    expect(ours.inReplyTo).toBe(sent.get('bug-en-1'));
    expect([ours.references].flat()).toContain(sent.get('bug-en-1'));
    expect(ours.from?.value[0]?.address).toBe(MARKETPLACE);
    expect(ours.text).toContain('fixed in 1.2.1');

    const answer: CorpusMail = { id: `answer-${runId}`, label: 'feedback', lang: 'en', from: 'reporter', subject: 'Re: Room booking crashes', body: 'Thanks, that fixed it, it works perfectly now.' };
    const answerId = await send(answer, [`In-Reply-To: ${reply.json().messageId}`, `References: ${sent.get('bug-en-1')} ${reply.json().messageId}`]);
    const { outcome, analysis } = await processed(answerId);
    expect(outcome).toBe('inbox:feedback');
    expect(analysis!.stages.app!.reason).toContain('reply thread');
    const thread = (await call(t.app, org.admin, { method: 'GET', url: `/api/v1/messages/${bug.id}` })).json().thread as any[];
    expect(thread.map((m) => m.direction)).toEqual(['in', 'out', 'in']);
  });

  it('shows admins every stage; rule sets are versioned and each analysis names the version that routed it', async () => {
    const listed = await call(t.app, org.admin, { method: 'GET', url: '/api/v1/mail-analyses?classification=bug-report' });
    expect(listed.statusCode).toBe(200);
    const one = listed.json().items[0];
    const detail = (await call(t.app, org.admin, { method: 'GET', url: `/api/v1/mail-analyses/${one.id}` })).json();
    expect(Object.keys(detail.stages)).toEqual(['sender', 'spam', 'language', 'classification', 'app', 'summary', 'route']);
    expect(detail.ruleVersion).toBe(0);
    expect((await call(t.app, org.reporter, { method: 'GET', url: '/api/v1/mail-analyses' })).statusCode).toBe(403);

    const bad = await call(t.app, org.admin, { method: 'PUT', url: '/api/v1/mail-rules', payload: { rules: [{ name: 'x', when: { classification: ['nonsense'] }, then: { route: 'inbox' } }] } });
    expect(bad.statusCode).toBe(400);
    const saved = await call(t.app, org.admin, { method: 'PUT', url: '/api/v1/mail-rules', payload: { rules: [{ name: 'questions are set aside', when: { classification: ['question'], trust: ['proven'] }, then: { route: 'ignore', label: 'question' } }] } });
    expect(saved.json()).toEqual({ version: 1 });
    expect((await call(t.app, org.admin, { method: 'GET', url: '/api/v1/mail-rules' })).json()).toMatchObject({ version: 1, isDefault: false });
    const question = CORPUS.find((m) => m.id === 'q-en-1')!;
    const { outcome, analysis } = await processed(await send({ ...question, id: `q-again-${runId}` }));
    expect(outcome).toBe('ignored:rule:question');
    expect(analysis).toMatchObject({ rule_version: 1, route: 'ignore', labels: ['question'] });
  });
});
