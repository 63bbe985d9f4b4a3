import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { handleIncomingMail } from './incoming-mail.js';
import { CORPUS, type CorpusMail } from './mail-corpus.js';
import { corpusMessage, MARKETPLACE, setupPipelineOrg, type PipelineOrg } from './mail-pipeline-org.js';
import { call, createTestApp, type TestApp } from './helper.js';
import { startOpenAiWireServer, type OpenAiWireServer } from './llm-wire-server.js';
import { startRspamd, type RspamdServer } from './rspamd-server.js';
import { requireBinary } from './system-binary.js';

const byId = (id: string) => CORPUS.find((m) => m.id === id)!;
const runId = randomUUID().slice(0, 8);

/** Stores and processes one corpus mail (as the queue would) and answers its outcome and analysis. */
async function ingest(t: TestApp, org: PipelineOrg, mail: CorpusMail) {
  const message = corpusMessage({ ...mail, id: `${mail.id}-${randomUUID().slice(0, 6)}` }, org, runId);
  const result = await handleIncomingMail(t.app.conversationServices, message.raw, { from: message.from, to: [message.to] });
  const analysis = await (t.database.db as Db).selectFrom('mail_analyses').selectAll().where('message_id', '=', message.messageId).executeTakeFirstOrThrow();
  return { outcome: result.outcome, analysis };
}

const rspamdBinary = requireBinary('rspamd', 'rspamd');

describe.skipIf(!rspamdBinary)('spam scores from a real rspamd (RSPAMD_URL)', () => {
  let rspamd: RspamdServer;
  let t: TestApp;
  let org: PipelineOrg;
  beforeAll(async () => {
    rspamd = await startRspamd(rspamdBinary!);
    t = await createTestApp({ env: { SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000', RSPAMD_URL: rspamd.url } });
    org = await setupPipelineOrg(t.app, t.database.db as Db);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await rspamd?.close();
  });

  it('scores the GTUBE sample higher than a clean mail, calls it spam, and the record says rspamd answered', async () => {
    const spam = await ingest(t, org, byId('sp-en-1'));
    const clean = await ingest(t, org, byId('bug-en-2'));
    expect(spam.analysis.stages.spam).toMatchObject({ engine: 'rspamd', result: 'spam' });
    expect(clean.analysis.stages.spam).toMatchObject({ engine: 'rspamd', result: 'clean' });
    expect(spam.analysis.stages.spam!.data!.score as number).toBeGreaterThan(clean.analysis.stages.spam!.data!.score as number);
    expect(spam.analysis.spam).toBe(true);
    expect(clean.outcome).toBe('inbox:bug-report');
  }, 60_000);
});

describe('the LLM: only proven mail that is not spam reaches it (recorded OpenAI wire protocol)', () => {
  let wire: OpenAiWireServer;
  let t: TestApp;
  let org: PipelineOrg;
  beforeAll(async () => {
    wire = await startOpenAiWireServer();
    t = await createTestApp({ env: { SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000' } });
    org = await setupPipelineOrg(t.app, t.database.db as Db);
    const put = await call(t.app, org.admin, { method: 'PUT', url: '/api/v1/llm/providers', payload: { providers: [{ id: 'local', kind: 'openai-compatible', baseUrl: wire.url, apiKey: 'sk-test', defaultModel: 'gpt-4o-mini' }], active: 'local' } });
    if (put.statusCode !== 200) throw new Error(put.body);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await wire?.close();
  });

  it('sends spam from a proven sender, unproven and unknown senders nowhere near the model', async () => {
    wire.seen.length = 0;
    const spam = await ingest(t, org, { ...byId('sp-en-2'), from: 'reporter' });
    expect(spam.outcome).toBe('ignored:rule:spam');
    expect(spam.analysis.stages.sender!.result).toBe('proven');
    const unproven = await ingest(t, org, { ...byId('bug-en-3'), from: 'reporter' }).then(async () => {
      // the same bug report to the plain address (no +token): the sender is not proven
      const message = corpusMessage({ ...byId('bug-en-3'), id: `unproven-${runId}` }, org, runId);
      const raw = Buffer.from(message.raw.toString('latin1').replace(`To: ${message.to}`, `To: ${MARKETPLACE}`), 'latin1');
      return handleIncomingMail(t.app.conversationServices, raw, { from: message.from, to: [MARKETPLACE] });
    });
    expect(unproven.outcome).toMatch(/^refused:unproven-sender/);
    const stranger = await ingest(t, org, { ...byId('bug-en-4'), from: 'stranger' });
    expect(stranger.outcome).toMatch(/^unknown-sender/);
    // bug-en-3 was proven and clean: that one did reach the model; nothing else did
    const calls = wire.seen.filter((r) => r.path.includes('/chat/completions'));
    const texts = calls.map((r) => JSON.stringify(r.body));
    expect(texts.some((b) => b.includes('won $1,000,000'))).toBe(false);
    expect(texts.some((b) => b.includes('Visitor log opens a blank page'))).toBe(false);
    expect(texts.filter((b) => b.includes('cannot upload a PDF receipt')).length).toBeGreaterThan(0);
  }, 120_000);

  it("uses the model's reading and draft for a proven bug report, and the record says so", async () => {
    wire.seen.length = 0;
    wire.structured = [JSON.stringify({ classification: 'bug-report', summary: 'Model summary: the totals are wrong.' })];
    wire.chat = 'Model draft: thank you, we are on it.';
    const { outcome, analysis } = await ingest(t, org, byId('bug-en-2'));
    expect(outcome).toBe('inbox:bug-report');
    expect(analysis.stages.classification).toMatchObject({ engine: 'llm', result: 'bug-report' });
    expect(analysis.summary).toBe('Model summary: the totals are wrong.');
    const item = (await call(t.app, org.admin, { method: 'GET', url: '/api/v1/messages' })).json().items.find((m: { subject: string; summary: string }) => m.summary === 'Model summary: the totals are wrong.');
    expect(item.draft).toBe('Model draft: thank you, we are on it.');
    expect(wire.seen.filter((r) => r.path.includes('/chat/completions')).length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
