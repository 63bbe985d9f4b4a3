import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { mailAnalysisOwnerMigrations } from '../src/modules/mail-processing/migrations.js';
import { deliverToQueue } from './incoming-mail.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/** The web UI's catalogs and its wording of notices (read at run time: the web app is not part of the server's build). */
const web = (path: string) => import(new URL(`../../web/src/${path}`, import.meta.url).href);
const { createI18n } = await web('i18n/create-i18n.ts');
const { noticesText } = await web('components/notice-text.ts');

/**
 * Mail from an address with no account is analysed like any other; its analysis belongs to the
 * organisation the envelope recipient names (a conversation's +token reply address, or the service
 * address of a server with one organisation), and only that organisation's admins see it on
 * Admin → Incoming mail. A token written only in a header names nobody.
 */
const SERVICE = 'marketplace@marketplace.test';
const replyAddress = (token: string) => `marketplace+${token}@marketplace.test`;

describe('the owner of an unknown sender\'s mail analysis', () => {
  let t: TestApp;
  let orgA: Account;
  let orgB: Account;
  let tokenA = '';
  let tokenB = '';
  const db = () => t.app.db as Db;

  async function conversationToken(account: Account): Promise<string> {
    const created = await call(t.app, account, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'I need a visitor log' } });
    expect(created.statusCode, created.body).toBe(201);
    return (await db().selectFrom('conversations').select('mail_token').where('id', '=', created.json().id).executeTakeFirstOrThrow()).mail_token;
  }

  /** Sends a stranger's mail with these envelope and header recipients; resolves to its subject once processed. */
  async function strangerMail(envelopeTo: string, headers: { to: string; cc?: string; extra?: string[] }, outcome = /^unknown-sender:/): Promise<string> {
    const subject = `Question ${randomUUID().slice(0, 8)}`;
    const raw = [`From: Stranger <stranger-${randomUUID().slice(0, 6)}@outside.test>`, `To: ${headers.to}`, ...(headers.cc ? [`Cc: ${headers.cc}`] : []), ...(headers.extra ?? []), `Subject: ${subject}`, `Message-ID: <${randomUUID()}@outside.test>`, '', 'Can you tell me how your visitor log works?', ''].join('\r\n');
    const result = await deliverToQueue(t.app, Buffer.from(raw), 'bounce@outside.test', envelopeTo);
    expect(result.outcome).toMatch(outcome);
    return subject;
  }

  const subjectsSeenBy = async (admin: Account) => ((await call(t.app, admin, { method: 'GET', url: '/api/v1/mail-analyses?limit=100' })).json().items as { subject: string }[]).map((item) => item.subject);
  const analysisOf = (subject: string) => db().selectFrom('mail_analyses').select(['id', 'org_id']).where('subject', '=', subject).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp();
    orgA = await register(t.app, { organization: 'Org A' });
    orgB = await register(t.app, { organization: 'Org B' });
    tokenA = await conversationToken(orgA);
    tokenB = await conversationToken(orgB);
  }, 180_000);
  afterAll(async () => t?.close());

  it('goes to the organisation whose reply address received it, and no other organisation sees it', async () => {
    // Org B's token in Cc is the sender's writing; the envelope says Org A.
    const subject = await strangerMail(replyAddress(tokenA), { to: replyAddress(tokenA), cc: replyAddress(tokenB) });
    const analysis = await analysisOf(subject);
    expect(analysis.org_id).toBe(orgA.orgId);
    expect(await subjectsSeenBy(orgA)).toContain(subject);
    expect(await subjectsSeenBy(orgB)).not.toContain(subject);
    expect((await call(t.app, orgA, { method: 'GET', url: `/api/v1/mail-analyses/${analysis.id}` })).json()).toMatchObject({ subject });
    expect((await call(t.app, orgB, { method: 'GET', url: `/api/v1/mail-analyses/${analysis.id}` })).statusCode).toBe(404);
  });

  it('answers each stage’s reason as codes the Polish UI words, and an older record’s English reason as it is', async () => {
    const subject = await strangerMail(replyAddress(tokenA), { to: replyAddress(tokenA) });
    const { id } = await analysisOf(subject);
    const read = async () => (await call(t.app, orgA, { method: 'GET', url: `/api/v1/mail-analyses/${id}` })).json().stages as Record<string, { reason: string; notices?: { code: string; params: object }[] }>;
    const stages = await read();
    expect(stages.sender).toMatchObject({ reason: 'no active account has this From address', notices: [{ code: 'mailStage.senderUnknown', params: {} }] });
    expect(stages.spam!.notices!.map((n) => n.code)).toEqual(['mailStage.spamBuiltinOnly', 'mailStage.spamNoRule']);
    const pl = createI18n('pl');
    expect(noticesText(pl, stages.sender!.notices, stages.sender!.reason)).toBe('żadne aktywne konto nie ma tego adresu From');
    expect(noticesText(pl, stages.route!.notices, stages.route!.reason)).toMatch(/^zdecydowały reguły zaufania \(nieprzeczytana: nieznany nadawca, [^)]*\); reguły skrzynki wskazałyby: do silnika rozmów; żadna reguła nie pasuje/);
    expect(stages.route!.reason).toMatch(/^the trust rules decided \(not read: unknown sender, /);
    for (const [name, stage] of Object.entries(stages)) expect(noticesText(pl, stage.notices, stage.reason), name).not.toBe(stage.reason);

    // What older versions stored: the English reason alone. It is answered and shown as it is.
    await db().updateTable('mail_analyses').set({ stages: JSON.stringify({ sender: { result: 'unknown-sender', reason: 'no active account has this From address', ms: 0, engine: 'trust-rules' } }) }).where('id', '=', id).execute();
    const old = await read();
    expect(old.sender).toEqual({ result: 'unknown-sender', reason: 'no active account has this From address', ms: 0, engine: 'trust-rules' });
    expect(noticesText(pl, old.sender!.notices, old.sender!.reason)).toBe('no active account has this From address');
  });

  it('goes there too for an automatic reply, which the trust rules do not read', async () => {
    const subject = await strangerMail(replyAddress(tokenA), { to: replyAddress(tokenA), extra: ['Auto-Submitted: auto-replied'] }, /^ignored:/);
    expect((await analysisOf(subject)).org_id).toBe(orgA.orgId);
    expect(await subjectsSeenBy(orgA)).toContain(subject);
    expect(await subjectsSeenBy(orgB)).not.toContain(subject);
  });

  it('belongs to nobody when only a header names an organisation, or when several share the service address', async () => {
    const headerOnly = await strangerMail(SERVICE, { to: replyAddress(tokenB) });
    const bare = await strangerMail(SERVICE, { to: SERVICE });
    for (const subject of [headerOnly, bare]) {
      expect((await analysisOf(subject)).org_id, subject).toBeNull();
      expect(await subjectsSeenBy(orgA)).not.toContain(subject);
      expect(await subjectsSeenBy(orgB)).not.toContain(subject);
    }
  });

  it('is given to analyses stored without one before, by migration 1502, from the same envelope rule', async () => {
    const addressed = await strangerMail(replyAddress(tokenB), { to: replyAddress(tokenB) });
    const headerOnly = await strangerMail(SERVICE, { to: replyAddress(tokenA) });
    // What older versions stored: no organisation.
    await db().updateTable('mail_analyses').set({ org_id: null }).where('subject', 'in', [addressed, headerOnly]).execute();
    await mailAnalysisOwnerMigrations[0]!.up(db());
    expect((await analysisOf(addressed)).org_id).toBe(orgB.orgId);
    expect((await analysisOf(headerOnly)).org_id).toBeNull();
  });
});

describe('the owner on a server with one organisation', () => {
  let t: TestApp;
  let admin: Account;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await register(t.app, { organization: 'Only Org' });
  }, 180_000);
  afterAll(async () => t?.close());

  it('is that organisation for mail to the service address', async () => {
    const subject = `Hello ${randomUUID().slice(0, 8)}`;
    const raw = ['From: someone@outside.test', `To: ${SERVICE}`, `Subject: ${subject}`, `Message-ID: <${randomUUID()}@outside.test>`, '', 'hello', ''].join('\r\n');
    expect((await deliverToQueue(t.app, Buffer.from(raw), 'someone@outside.test', SERVICE)).outcome).toMatch(/^unknown-sender:/);
    const items = (await call(t.app, admin, { method: 'GET', url: '/api/v1/mail-analyses?limit=100' })).json().items as { subject: string }[];
    expect(items.map((item) => item.subject)).toContain(subject);
  });
});
