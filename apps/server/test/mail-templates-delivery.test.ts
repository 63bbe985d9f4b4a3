import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailHub } from '@marketplace/mail/hub';
import { postfixDsn } from '@marketplace/mail/testing';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { requestApproval } from '../src/modules/approvals/request-approval.js';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { deliverToQueue } from './incoming-mail.js';
import { startOpenAiWireServer, type OpenAiWireServer } from './llm-wire-server.js';
import { maildirInbox } from './maildir-inbox.js';
import { startMarketplaceMailHub } from './marketplace-mail-hub.js';
import { swaksRaw } from './swaks-raw.js';
import { requireBinary } from './system-binary.js';

/**
 * Mail templates (EN/PL, organisation overrides, preview), the compliance check before every send,
 * and delivery tracking: the server's mail goes through a real mail hub over SMTP, and a Postfix-style
 * bounce comes back through swaks to the VERP address the hub recorded as Return-Path.
 */
const MARKETPLACE = 'marketplace@marketplace.test';
let t: TestApp;
let hub: MailHub;
let dataDir: string;
let admin: Account;
const outcomes: { outcome: string; conversationId: string | null }[] = [];
const { waitForMail, inbox } = maildirInbox(() => dataDir);
const swaks = requireBinary('swaks', 'swaks');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mail-templates-'));
  // The wiring server.ts does: each copy for the marketplace address goes through the app's mail queue.
  hub = await startMarketplaceMailHub(dataDir, async (raw, from, recipient) => void outcomes.push(await deliverToQueue(t.app, raw, from, recipient)));
  t = await createTestApp({ env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), SMTP_FROM: MARKETPLACE, PUBLIC_URL: 'https://market.example.test' } });
  admin = await register(t.app, { organization: 'Templates Org' });
}, 180_000);
afterAll(async () => {
  await t?.close();
  await hub?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The envelope sender the hub recorded (Return-Path), as mailparser reads it. */
function returnPathOf(mail: ParsedMail): string {
  const header = mail.headers.get('return-path') as { value?: { address?: string }[] } | string | undefined;
  return (typeof header === 'string' ? /<([^>]*)>/.exec(header)?.[1] : header?.value?.[0]?.address) ?? '';
}
const setMail = (mail: Record<string, unknown>) => call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { mail } } });
const outgoing = async (query = '') => (await call(t.app, admin, { method: 'GET', url: `/api/v1/outgoing-mail${query}` })).json();

describe('mail templates', () => {
  it('lists every kind in English and Polish, refuses unknown placeholders by name, versions changes and resets', async () => {
    const list = (await call(t.app, admin, { method: 'GET', url: '/api/v1/mail-templates' })).json();
    const kinds = new Set(list.items.map((item: { kind: string }) => item.kind));
    for (const kind of ['release', 'approval-publish', 'approval-distribute', 'password-reset', 'webhook-disabled', 'inbox-reply', 'conversation-answer', 'build-news', 'sender-confirmation', 'unknown-sender', 'announcement']) expect(kinds.has(kind), kind).toBe(true);
    expect(list.items).toHaveLength(kinds.size * 2);

    const bad = await call(t.app, admin, { method: 'PUT', url: '/api/v1/mail-templates/announcement/en', payload: { subject: '{{title}} {{ nope }}', body: '{{text}} {{constructor}} {{a-b}}' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('UNKNOWN_PLACEHOLDER');
    expect(bad.json().detail).toContain('{{nope}}');
    expect(bad.json().detail).toContain('{{constructor}}');
    expect(bad.json().detail).toContain('{{a-b}}');

    const put = await call(t.app, admin, { method: 'PUT', url: '/api/v1/mail-templates/announcement/en', payload: { subject: 'News: {{title}}', body: '{{text}}\nMore: {{link}}\n{{footer}}' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ custom: true, version: 1, updatedBy: admin.userId });
    const reset = await call(t.app, admin, { method: 'DELETE', url: '/api/v1/mail-templates/announcement/en' });
    expect(reset.json()).toMatchObject({ custom: false, subject: '{{title}}' });
    const detail = (await call(t.app, admin, { method: 'GET', url: '/api/v1/mail-templates/announcement/en' })).json();
    expect(detail.history.map((h: { action: string; version: number }) => `${h.action}:${h.version}`)).toEqual(['reset:2', 'put:1']);
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/mail-templates/no-such-kind/en' })).statusCode).toBe(404);
  });

  it('previews a Polish approval mail with sample values, and says when the wording would be blocked', async () => {
    const preview = await call(t.app, admin, { method: 'POST', url: '/api/v1/mail-templates/approval-publish/pl/preview', payload: {} });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().subject).toBe('Prośba o akceptację: visitor-log');
    expect(preview.json().text).toContain('czeka na Twoją decyzję');
    expect(preview.json().compliance).toEqual({ ok: true });

    const linked = (await call(t.app, admin, { method: 'POST', url: '/api/v1/mail-templates/announcement/en/preview', payload: { body: '{{text}} See https://elsewhere.example/x and {{link}}' } })).json();
    expect(linked.compliance).toMatchObject({ ok: false, code: 'link-domain', notice: { code: 'compliance.linkDomain', params: { host: 'elsewhere.example' } } });
    expect(linked.text).toContain('The visitor log now prints badges.');

    expect((await setMail({ footer: 'Acme Corp, 1 Main St. Confidential.' })).statusCode).toBe(200);
    const withFooter = (await call(t.app, admin, { method: 'POST', url: '/api/v1/mail-templates/announcement/pl/preview', payload: {} })).json();
    expect(withFooter.text).toContain('Acme Corp, 1 Main St. Confidential.');
    expect(withFooter.compliance.ok).toBe(true);
    const withoutFooter = (await call(t.app, admin, { method: 'POST', url: '/api/v1/mail-templates/announcement/pl/preview', payload: { body: '{{text}}' } })).json();
    expect(withoutFooter.compliance).toMatchObject({ ok: false, code: 'footer-missing' });
    await setMail({ footer: '' });
  });
});

describe('sending from templates', () => {
  it('mails a reviewer the Polish approval request when the organisation writes Polish (hosts named, not checked as links), and records it accepted', async () => {
    expect((await setMail({ language: 'pl' })).statusCode).toBe(200);
    const reviewer = await addUser(t.app, admin, ['reviewer']);
    await requestApproval({ db: t.app.db as Db, config: t.app.config, logger: t.app.log as unknown as Logger, events: t.app.events }, { orgId: admin.orgId, kind: 'publish', appName: 'visitor-log', version: '1.0.0', requestedBy: admin.userId, reasons: [{ code: 'HOSTS_OUTSIDE_ALLOW_LIST', message: 'The app reaches hosts outside the allow-list: www.example.com.' }], hosts: ['www.example.com'] });
    const [mail] = await waitForMail(reviewer.email, 1);
    expect(mail!.subject).toBe('Prośba o akceptację: visitor-log');
    expect(mail!.text).toContain('Prośba o opublikowanie visitor-log 1.0.0 czeka na Twoją decyzję');
    expect(mail!.text).toMatch(/https:\/\/market\.example\.test\/api\/v1\/approval-links\/\S+/);
    expect(mail!.headers.get('content-language')).toBe('pl');
    // the hosts an app reaches are named, not linked: a www. name there does not block the mail
    expect(mail!.text).toContain('www.example.com');
    const sent = (await outgoing('?kind=approval-publish')).items.find((item: { recipients: { address: string }[] }) => item.recipients[0]?.address === reviewer.email);
    expect(sent).toMatchObject({ state: 'sent', language: 'pl', recipients: [{ state: 'accepted', smtpCode: 250 }] });
    await setMail({ language: 'en' });
  });

  it('writes to a user in the language they chose, over the organisation’s; the rest in the organisation’s', async () => {
    const [polish, unset] = [await addUser(t.app, admin, ['member']), await addUser(t.app, admin, ['member'])];
    expect((await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${polish.userId}`, payload: { language: 'pl' } })).statusCode).toBe(200);
    expect((await setMail({ language: 'en' })).statusCode).toBe(200);
    for (const [i, user] of [polish, unset].entries()) await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email }, remoteAddress: `192.0.2.${20 + i}` });
    const [pl] = await waitForMail(polish.email, 1);
    const [en] = await waitForMail(unset.email, 1);
    expect(pl!.subject).toBe('Zmiana hasła do marketplace');
    expect(pl!.headers.get('content-language')).toBe('pl');
    expect(en!.subject).toBe('Reset your marketplace password');
  });

  it('writes a reset mail in the language the reader asked in (the web UI’s) when the account chose none; a chosen one still wins', async () => {
    const [unset, english] = [await addUser(t.app, admin, ['member']), await addUser(t.app, admin, ['member'])];
    expect((await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${english.userId}`, payload: { language: 'en' } })).statusCode).toBe(200);
    expect((await setMail({ language: 'en' })).statusCode).toBe(200);
    // the Polish page (its cookie), and a browser asking for Polish first
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: unset.email }, cookies: { mp_language: 'pl' }, remoteAddress: '192.0.2.30' });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: english.email }, headers: { 'accept-language': 'pl-PL,pl;q=0.9' }, remoteAddress: '192.0.2.31' });
    const [pl] = await waitForMail(unset.email, 1);
    const [en] = await waitForMail(english.email, 1);
    expect(pl!.subject).toBe('Zmiana hasła do marketplace');
    expect(en!.subject).toBe('Reset your marketplace password');
  });

  it('blocks a mail whose template links outside the allowed domains, records why, and sends nothing', async () => {
    const member = await addUser(t.app, admin, ['member']);
    await call(t.app, admin, { method: 'PUT', url: '/api/v1/mail-templates/password-reset/en', payload: { subject: 'Reset', body: 'Hello {{name}}, log in at https://phish.example/login first, then {{link}}\n{{footer}}' } });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: member.email } });
    let blocked: any;
    for (const started = Date.now(); !blocked && Date.now() - started < 15_000; await new Promise((r) => setTimeout(r, 50))) {
      blocked = (await outgoing('?state=blocked')).items.find((item: { recipients: { address: string }[] }) => item.recipients[0]?.address === member.email);
    }
    expect(blocked).toMatchObject({ kind: 'password-reset', blockCode: 'link-domain', recipients: [{ state: 'blocked' }] });
    expect(blocked.blockReason).toContain('phish.example');
    expect(await inbox(member.email)).toHaveLength(0);
    await call(t.app, admin, { method: 'DELETE', url: '/api/v1/mail-templates/password-reset/en' });
  });
});

describe.runIf(swaks)('delivery tracking (swaks as the remote mail server sending bounces)', () => {
  it('marks a recipient bounced from a Postfix DSN sent back to the VERP return path, and keeps the DSN out of conversations', async () => {
    const member = await addUser(t.app, admin, ['member']);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: member.email } });
    const [mail] = await waitForMail(member.email, 1);
    const returnPath = returnPathOf(mail!);
    // signed VERP (decision 0046): the recipient row's id and a 16-digit tag
    expect(returnPath).toMatch(/^marketplace\+b[a-f0-9]{48}@marketplace\.test$/);
    const messageId = mail!.messageId!;

    const before = outcomes.length;
    const dsn = postfixDsn({ to: returnPath, recipient: member.email, messageId });
    const sent = await swaksRaw(swaks!, hub.port, { from: '<>', to: returnPath }, Buffer.from(dsn));
    expect(sent.code, sent.output).toBe(0);
    for (const started = Date.now(); outcomes.length === before && Date.now() - started < 20_000; ) await new Promise((r) => setTimeout(r, 50));
    expect(outcomes.at(-1)).toMatchObject({ outcome: 'bounce:recorded', conversationId: null });

    const item = (await outgoing('?kind=password-reset')).items.find((entry: { messageId: string }) => entry.messageId === messageId);
    expect(item.recipients).toEqual([expect.objectContaining({ address: member.email, state: 'bounced', dsnAction: 'failed', dsnStatus: '5.1.1', smtpCode: 250 })]);
    expect(item.recipients[0].diagnostic).toContain('User unknown');
    const one = await call(t.app, admin, { method: 'GET', url: `/api/v1/outgoing-mail/${item.id}` });
    expect(one.json().recipients[0].state).toBe('bounced');
    expect(await (t.app.db as Db).selectFrom('conversations').select('id').where('org_id', '=', admin.orgId).execute()).toEqual([]);
  });

  it('ignores a forged bounce (tag changed) and a bounce about another mail sent to a genuine return path', async () => {
    const [victim, bystander] = [await addUser(t.app, admin, ['member']), await addUser(t.app, admin, ['member'])];
    // from addresses of their own: the reset route allows 5 requests a minute per client
    for (const [i, user] of [victim, bystander].entries()) await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email }, remoteAddress: `192.0.2.${10 + i}` });
    const [victimMail] = await waitForMail(victim.email, 1);
    const [bystanderMail] = await waitForMail(bystander.email, 1);
    const victimPath = returnPathOf(victimMail!);
    const send = async (to: string, about: { recipient: string; messageId: string }) => {
      const before = outcomes.length;
      expect((await swaksRaw(swaks!, hub.port, { from: '<>', to }, Buffer.from(postfixDsn({ to, ...about })))).code).toBe(0);
      for (const started = Date.now(); outcomes.length === before && Date.now() - started < 20_000; ) await new Promise((r) => setTimeout(r, 50));
      return outcomes.at(-1)!;
    };
    // an attacker who saw one return path changes the tag's last digit: the row it names is not touched
    const forged = victimPath.replace(/([0-9a-f])@/, (_, digit: string) => `${digit === '0' ? '1' : '0'}@`);
    expect(await send(forged, { recipient: victim.email, messageId: victimMail!.messageId! })).toMatchObject({ outcome: 'bounce:forged', conversationId: null });
    // a genuine return path cannot bounce a different mail (the returned Message-ID is someone else's)
    expect((await send(victimPath, { recipient: bystander.email, messageId: bystanderMail!.messageId! })).outcome).toBe('bounce:forged');
    const items = (await outgoing('?kind=password-reset')).items as { messageId: string; recipients: { state: string }[] }[];
    for (const mail of [victimMail!, bystanderMail!]) expect(items.find((item) => item.messageId === mail.messageId)!.recipients[0]!.state, mail.messageId!).toBe('accepted');
  });

  it('honours a return path of the old +bounce- form for 14 days after its mail was sent, not later', async () => {
    const db = t.app.db as Db;
    const member = await addUser(t.app, admin, ['member']);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: member.email }, remoteAddress: '192.0.2.12' });
    const [mail] = await waitForMail(member.email, 1);
    const row = await db.selectFrom('outgoing_mail_recipients').innerJoin('outgoing_mail', 'outgoing_mail.id', 'outgoing_mail_recipients.mail_id').select(['outgoing_mail_recipients.token', 'outgoing_mail.id']).where('outgoing_mail.message_id', '=', mail!.messageId!).executeTakeFirstOrThrow();
    const legacy = `marketplace+bounce-${row.token}@marketplace.test`;
    const send = async (action: 'failed' | 'delayed') => {
      const before = outcomes.length;
      const dsn = postfixDsn({ to: legacy, recipient: member.email, messageId: mail!.messageId!, action, ...(action === 'delayed' ? { status: '4.4.1', diagnostic: 'smtp; 421 4.4.1 try later' } : {}) });
      expect((await swaksRaw(swaks!, hub.port, { from: '<>', to: legacy }, Buffer.from(dsn))).code).toBe(0);
      for (const started = Date.now(); outcomes.length === before && Date.now() - started < 20_000; ) await new Promise((r) => setTimeout(r, 50));
      return outcomes.at(-1)!.outcome;
    };
    // sent 15 days ago: its old-form bounce is no longer honoured
    await db.updateTable('outgoing_mail').set({ created_at: new Date(Date.now() - 15 * 86_400_000) }).where('id', '=', row.id).execute();
    expect(await send('delayed')).toBe('bounce:forged');
    await db.updateTable('outgoing_mail').set({ created_at: new Date(Date.now() - 13 * 86_400_000) }).where('id', '=', row.id).execute();
    expect(await send('failed')).toBe('bounce:recorded');
    const item = (await outgoing('?kind=password-reset')).items.find((entry: { messageId: string }) => entry.messageId === mail!.messageId);
    expect(item.recipients[0]).toMatchObject({ state: 'bounced', dsnStatus: '5.1.1' });
  });

  it('matches a DSN sent to the plain service address by the returned Message-ID and the final recipient', async () => {
    const member = await addUser(t.app, admin, ['member']);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: member.email } });
    const [mail] = await waitForMail(member.email, 1);
    const before = outcomes.length;
    const dsn = postfixDsn({ to: MARKETPLACE, recipient: member.email, messageId: mail!.messageId!, action: 'delayed', status: '4.4.1', diagnostic: 'smtp; 421 4.4.1 Connection timed out' });
    expect((await swaksRaw(swaks!, hub.port, { from: '<>', to: MARKETPLACE }, Buffer.from(dsn))).code).toBe(0);
    for (const started = Date.now(); outcomes.length === before && Date.now() - started < 20_000; ) await new Promise((r) => setTimeout(r, 50));
    expect(outcomes.at(-1)!.outcome).toBe('bounce:recorded');
    const item = (await outgoing('?kind=password-reset')).items.find((entry: { messageId: string }) => entry.messageId === mail!.messageId);
    expect(item.recipients[0]).toMatchObject({ state: 'delayed', dsnStatus: '4.4.1', diagnostic: '421 4.4.1 Connection timed out' });
  });
});

describe('an app inbox reply: blocked with its reason, translated into the recipient’s language', () => {
  let messageId: string;
  let wire: OpenAiWireServer;
  beforeAll(async () => {
    const db = t.app.db as Db;
    const appId = randomUUID();
    await db.insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'visitor-log', title: 'Visitor log', summary: 'Visitors', kind: 'api-service', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
    messageId = randomUUID();
    await db.insertInto('mail_inbox').values({ id: messageId, org_id: admin.orgId, app_id: appId, thread_id: messageId, direction: 'in', analysis_id: null, message_id: `<${randomUUID()}@colleague.test>`, refs: [], sender: 'kasia@colleague.test', user_id: null, subject: 'Eksport nie działa', body: 'Przycisk eksportu nic nie robi.', summary: 'Eksport nie działa', classification: 'bug-report', language: 'pl', sender_version: '1.0.0', draft: 'Dziękujemy', state: 'new' }).execute();
    wire = await startOpenAiWireServer();
  });
  afterAll(async () => wire?.close());

  it('refuses to send a reply carrying an API key (422 REPLY_BLOCKED with the notice), records it blocked and keeps the draft', async () => {
    const reply = await call(t.app, admin, { method: 'POST', url: `/api/v1/messages/${messageId}/reply`, payload: { text: `Use this key: mpk_${'Q'.repeat(40)}` } });
    expect(reply.statusCode, reply.body).toBe(422);
    expect(reply.json()).toMatchObject({ code: 'REPLY_BLOCKED', notice: { code: 'compliance.secret', params: { rule: 'marketplace-credential' } } });
    expect(reply.body).not.toContain('Q'.repeat(40));
    expect((await outgoing('?state=blocked&kind=inbox-reply')).items[0]).toMatchObject({ blockCode: 'secret', language: 'pl', recipients: [{ address: 'kasia@colleague.test', state: 'blocked' }] });
    expect(await inbox('kasia@colleague.test')).toHaveLength(0);
    const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/messages/${messageId}` })).json();
    expect(detail.draft).toBe('Dziękujemy');
  });

  it('without a language model renders only the template part in Polish and says so', async () => {
    const translated = await call(t.app, admin, { method: 'POST', url: `/api/v1/messages/${messageId}/translate`, payload: { text: 'Thanks, fixed in 1.0.1.' } });
    expect(translated.statusCode, translated.body).toBe(200);
    expect(translated.json()).toMatchObject({ language: 'pl', engine: 'template', text: 'Thanks, fixed in 1.0.1.', subject: 'Re: Eksport nie działa' });
    expect(translated.json().note).toMatch(/only the template part/);
  });

  it('with a model configured (recorded OpenAI wire protocol) translates the draft into Polish', async () => {
    const put = await call(t.app, admin, { method: 'PUT', url: '/api/v1/llm/providers', payload: { providers: [{ id: 'local', kind: 'openai-compatible', baseUrl: wire.url, apiKey: 'sk-test', defaultModel: 'gpt-4o-mini' }], active: 'local' } });
    expect(put.statusCode, put.body).toBe(200);
    wire.chat = 'Dziękujemy, poprawione w wersji 1.0.1.';
    const translated = await call(t.app, admin, { method: 'POST', url: `/api/v1/messages/${messageId}/translate`, payload: { text: 'Thanks, fixed in 1.0.1.' } });
    expect(translated.json()).toMatchObject({ language: 'pl', engine: 'llm', text: 'Dziękujemy, poprawione w wersji 1.0.1.', note: null });
    const asked = wire.seen.at(-1)!.body;
    expect(JSON.stringify(asked.messages)).toContain('into Polish');
    expect(asked.messages.at(-1).content).toBe('Thanks, fixed in 1.0.1.');
  });
});
