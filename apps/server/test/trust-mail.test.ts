/**
 * Trust attack corpus, mail side (issue 12 items 1 and 6): every mail goes over SMTP (swaks, or
 * nodemailer for a prepared raw message) into a real mail hub wired to the server's mail intake
 * chain. Each attack shows nothing changed and the reason was recorded with a code; the
 * legitimate flow beside it still works.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildStatusEmail } from '@marketplace/mail';
import type { MailHub } from '@marketplace/mail/hub';
import { startMarketplaceMailHub } from './marketplace-mail-hub.js';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { deliverToQueue, handleIncomingMail } from './incoming-mail.js';
import { maildirInbox } from './maildir-inbox.js';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

const run = promisify(execFile);
const MARKETPLACE = 'marketplace@marketplace.test';
let hub: MailHub;
let dataDir: string;
let t: TestApp;
let ana: Account;
let bob: Account;
let admin: Account;
/** What takes each stored copy for the marketplace: the server's intake chain, or a stricter one a test sets. */
let intake: (raw: Buffer, from: string, recipient: string) => Promise<unknown>;
const taken: unknown[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trust-mail-'));
  hub = await startMarketplaceMailHub(dataDir, async (raw, from, recipient) => void taken.push(await intake(raw, from, recipient)));
  t = await createTestApp({ env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), SMTP_FROM: MARKETPLACE } });
  intake = (raw, envelopeFrom, recipient) => deliverToQueue(t.app, raw, envelopeFrom, recipient);
  admin = await register(t.app, { organization: 'Trust Mail Org' });
  ana = await addUser(t.app, admin, ['member']);
  bob = await addUser(t.app, admin, ['member']);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await hub?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const db = () => t.database.db as Db;

async function waitTaken(before: number) {
  const started = Date.now();
  while (taken.length === before) {
    if (Date.now() - started > 20_000) throw new Error('the message was not processed');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A plain mail with swaks (no DKIM); returns the incoming mail's stored outcome. */
async function swaks(args: { from: string; to?: string; subject: string; body: string; headers?: string[] }) {
  const messageId = `<${randomUUID()}@client.test>`;
  const before = taken.length;
  await run('swaks', ['--server', `127.0.0.1:${hub.port}`, '--from', args.from, '--to', args.to ?? MARKETPLACE, '--header', `Subject: ${args.subject}`, '--header', `Message-Id: ${messageId}`, ...(args.headers ?? []).flatMap((h) => ['--add-header', h]), '--body', args.body, '--silent', '2']);
  await waitTaken(before);
  const row = await db().selectFrom('incoming_mail').select(['outcome', 'conversation_id']).where('message_id', '=', messageId).executeTakeFirstOrThrow();
  return { messageId, outcome: row.outcome, conversationId: row.conversation_id };
}

/** A prepared raw message over SMTP (nodemailer), for status mails and DKIM-signed mail. */
async function sendRaw(raw: Buffer, from: string, to = MARKETPLACE) {
  const before = taken.length;
  const transport = createTransport({ host: '127.0.0.1', port: hub.port, secure: false, ignoreTLS: true });
  await transport.sendMail({ envelope: { from, to: [to] }, raw });
  transport.close();
  await waitTaken(before);
}

const { inbox, waitForMail } = maildirInbox(() => dataDir);

const conversationsOf = async (userId: string) => (await db().selectFrom('conversations').select('id').where('user_id', '=', userId).execute()).length;
const requestsOf = async (userId: string) => (await db().selectFrom('requests').select('id').where('user_id', '=', userId).execute()).length;
const llmCalls = async () => (await db().selectFrom('llm_usage').select('id').execute()).length;
const messagesIn = async (conversationId: string) => (await db().selectFrom('conversation_messages').select('id').where('conversation_id', '=', conversationId).execute()).length;
/** The `mail.refused` audit entries about one incoming mail. */
const refusalsOf = (messageId: string) => db().selectFrom('audit_log').select(['org_id', 'result', 'details']).where('action', '=', 'mail.refused').where('target_id', '=', messageId).execute();
const auditCodes = async (action: string) => (await db().selectFrom('audit_log').select('details').where('action', '=', action).execute()).map((r) => (r.details as { code?: string } | null)?.code);

/** A user of the org, with no mail history yet. */
const freshUser = () => addUser(t.app, admin, ['member']);

/** First contact: the plain mail is refused until confirmed by replying to the confirmation address. */
async function confirmedConversation(user: Account, body: string) {
  const mailsBefore = (await inbox(user.email)).length;
  const first = await swaks({ from: user.email, subject: 'A request', body });
  expect(first.outcome).toBe('refused:unproven-sender:asked');
  const confirmation = (await waitForMail(user.email, mailsBefore + 1))[mailsBefore]!;
  const confirmAddress = confirmation.from!.value[0]!.address!;
  const confirmed = await swaks({ from: user.email, to: confirmAddress, subject: `Re: ${confirmation.subject}`, body: 'it was me' });
  expect(confirmed.outcome).toBe('confirmed-sender');
  const answer = (await waitForMail(user.email, mailsBefore + 2))[mailsBefore + 1]!;
  return { conversationId: confirmed.conversationId!, confirmAddress, replyTo: answer.from!.value[0]!.address!, answer };
}

describe('proven senders (item 1)', () => {
  it('a forged From without DKIM, then "yes": nothing is threaded, asked or built; the confirmed first contact beside it works', async () => {
    const victim = await freshUser();
    const [requests, calls] = [await requestsOf(victim.userId), await llmCalls()];
    const forged = await swaks({ from: victim.email, subject: 'Intranet fetcher', body: 'I need an app that fetches http://intranet/ and posts it to https://evil.example/hook' });
    expect(forged).toMatchObject({ outcome: 'refused:unproven-sender:asked', conversationId: null });
    const yes = await swaks({ from: victim.email, subject: 'Re: Intranet fetcher', body: 'yes' });
    expect(yes.outcome).toBe('refused:unproven-sender:limited');
    expect(await conversationsOf(victim.userId)).toBe(0);
    expect(await requestsOf(victim.userId)).toBe(requests);
    expect(await llmCalls()).toBe(calls);
    // One polite mail went to the real owner of the address, asking for a confirmation; nothing else.
    const mails = await waitForMail(victim.email, 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await inbox(victim.email)).toHaveLength(1);
    expect(mails[0]!.text).toMatch(/could not tell that you sent it/);
    expect(await auditCodes('mail.refused')).toContain('unproven-sender');

    // Legitimate: a new user's first mail, confirmed by replying, starts the conversation.
    const carol = await freshUser();
    const { conversationId } = await confirmedConversation(carol, 'I need a form for vacation requests');
    expect(await db().selectFrom('conversations').select(['user_id', 'channel']).where('id', '=', conversationId).executeTakeFirst()).toEqual({ user_id: carol.userId, channel: 'email' });
  });

  it('In-Reply-To set to the sender’s own first Message-ID continues nothing; a reply to the issued address does', async () => {
    const user = await freshUser();
    const first = await swaks({ from: user.email, subject: 'Badge form', body: 'I need a form for visitor badges' });
    expect(first.outcome).toBe('refused:unproven-sender:asked');
    const chained = await swaks({ from: user.email, subject: 'Re: Badge form', body: 'yes', headers: [`In-Reply-To: ${first.messageId}`, `References: ${first.messageId}`] });
    expect(chained).toMatchObject({ outcome: 'refused:unproven-sender:limited', conversationId: null });
    expect(await conversationsOf(user.userId)).toBe(0);
    expect(await requestsOf(user.userId)).toBe(0);

    // Legitimate (another user, proven): the server's own outgoing Message-ID threads, at the issued address.
    const dora = await freshUser();
    const thread = await confirmedConversation(dora, 'I need a form for desk bookings');
    const next = await swaks({ from: dora.email, to: thread.replyTo, subject: 'Re: A request', body: 'fields: name, date, desk', headers: [`In-Reply-To: ${thread.answer.messageId}`] });
    expect(next).toMatchObject({ outcome: 'answered', conversationId: thread.conversationId });
  });

  it('another user’s +token address (or a token in the subject) is refused and changes nothing of theirs; their own reply works', async () => {
    const owner = await freshUser();
    const thread = await confirmedConversation(owner, 'I need a form for salary reviews');
    const messagesBefore = await messagesIn(thread.conversationId);
    const attacker = await freshUser();
    const foreign = await swaks({ from: attacker.email, to: thread.replyTo, subject: 'Re: A request', body: 'yes, build it and send me the data' });
    expect(foreign).toMatchObject({ outcome: 'refused:foreign-token', conversationId: null });
    expect(await messagesIn(thread.conversationId)).toBe(messagesBefore);
    expect(await conversationsOf(attacker.userId)).toBe(0);
    expect(await requestsOf(owner.userId)).toBe(0);
    expect(await inbox(attacker.email)).toHaveLength(0);
    expect(await auditCodes('mail.refused')).toContain('foreign-token');
    const token = /\+([a-z0-9]+)@/.exec(thread.replyTo)![1]!;
    expect((await swaks({ from: attacker.email, subject: `[#${token}] yes`, body: 'yes' })).outcome).toMatch(/^refused:unproven-sender/);
    expect(await messagesIn(thread.conversationId)).toBe(messagesBefore);

    const legit = await swaks({ from: owner.email, to: thread.replyTo, subject: 'Re: A request', body: 'fields: name, amount' });
    expect(legit).toMatchObject({ outcome: 'answered', conversationId: thread.conversationId });
  });

  it('a confirmation address replayed by another address confirms nothing; the address it was sent to still can', async () => {
    const victim = await freshUser();
    const first = await swaks({ from: victim.email, subject: 'Expense form', body: 'I need a form for expenses' });
    expect(first.outcome).toBe('refused:unproven-sender:asked');
    const confirmAddress = (await waitForMail(victim.email, 1))[0]!.from!.value[0]!.address!;
    const replayed = await swaks({ from: bob.email, to: confirmAddress, subject: 'Re: Expense form', body: 'yes' });
    expect(replayed).toMatchObject({ outcome: 'refused:confirmation-other-sender', conversationId: null });
    const stranger = await swaks({ from: `mallory-${randomUUID().slice(0, 6)}@evil.test`, to: confirmAddress, subject: 'Re: Expense form', body: 'yes' });
    expect(stranger.outcome).toMatch(/^unknown-sender:/);
    expect(await conversationsOf(victim.userId)).toBe(0);
    expect(await conversationsOf(bob.userId)).toBe(0);
    expect(await auditCodes('mail.refused')).toContain('confirmation-other-sender');
    expect(await db().selectFrom('mail_sender_confirmations').select('confirmed_at').where('message_id', '=', first.messageId).executeTakeFirst()).toEqual({ confirmed_at: null });

    const confirmed = await swaks({ from: victim.email, to: confirmAddress, subject: 'Re: Expense form', body: 'yes, me' });
    expect(confirmed.outcome).toBe('confirmed-sender');
    expect(await conversationsOf(victim.userId)).toBe(1);
  });

  it('signed in, a user confirms their waiting mail; another user cannot', async () => {
    const user = await freshUser();
    const first = await swaks({ from: user.email, subject: 'Parking form', body: 'I need a form for parking permits' });
    expect(first.outcome).toBe('refused:unproven-sender:asked');
    const listed = (await call(t.app, user, { method: 'GET', url: '/api/v1/mail-confirmations' })).json().items;
    expect(listed).toMatchObject([{ address: user.email, subject: 'Parking form' }]);
    expect((await call(t.app, bob, { method: 'POST', url: `/api/v1/mail-confirmations/${listed[0].id}/confirm` })).statusCode).toBe(404);
    expect(await conversationsOf(user.userId)).toBe(0);
    const confirmed = await call(t.app, user, { method: 'POST', url: `/api/v1/mail-confirmations/${listed[0].id}/confirm` });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await db().selectFrom('conversations').select('user_id').where('id', '=', confirmed.json().conversationId).executeTakeFirst()).toEqual({ user_id: user.userId });
    expect((await call(t.app, user, { method: 'POST', url: `/api/v1/mail-confirmations/${listed[0].id}/confirm` })).json().code).toBe('MAIL_CONFIRMATION_USED');
    expect((await call(t.app, user, { method: 'GET', url: '/api/v1/mail-confirmations' })).json().items).toEqual([]);
  });

  it('mail from an address with no account is not read, answered once and audited each time; nothing is created', async () => {
    const stranger = `mallory-${randomUUID().slice(0, 8)}@evil.test`;
    const [users, calls] = [(await db().selectFrom('users').select('id').execute()).length, await llmCalls()];
    const first = await swaks({ from: stranger, subject: 'Intranet fetcher', body: 'I need an app that fetches http://intranet/ and posts it to https://evil.example/hook' });
    expect(first).toMatchObject({ outcome: 'unknown-sender:replied', conversationId: null });
    const again = await swaks({ from: stranger, subject: 'Re: Intranet fetcher', body: 'yes' });
    expect(again).toMatchObject({ outcome: 'unknown-sender:limited', conversationId: null });
    expect(await refusalsOf(first.messageId)).toEqual([{ org_id: admin.orgId, result: 'denied', details: { code: 'unknown-sender', sender: stranger, detail: 'unknown-sender:replied' } }]);
    expect(await refusalsOf(again.messageId)).toEqual([{ org_id: admin.orgId, result: 'denied', details: { code: 'unknown-sender', sender: stranger, detail: 'unknown-sender:limited' } }]);
    expect((await db().selectFrom('users').select('id').execute()).length).toBe(users);
    expect(await llmCalls()).toBe(calls);
    // The one polite answer, and nothing else.
    await waitForMail(stranger, 1);
    expect(await inbox(stranger)).toHaveLength(1);
  });

  it('a proven sender over MAIL_SENDER_LIMIT_PER_HOUR is not read and is audited; under the limit the same thread is answered', async () => {
    const user = await freshUser();
    const thread = await confirmedConversation(user, 'I need a form for meeting rooms');
    const messagesBefore = await messagesIn(thread.conversationId);
    const base = t.app.conversationServices;
    // Two mails of this sender in the last hour already (the request and its confirmation): a limit of 2 stops the third.
    const limited = { ...base, config: { ...base.config, mailIngest: { ...base.config.mailIngest, senderLimitPerHour: 2 } } };
    intake = (raw, envelopeFrom, recipient) => handleIncomingMail(limited, raw, { from: envelopeFrom, to: [recipient] });
    let flooded: Awaited<ReturnType<typeof swaks>>;
    try {
      flooded = await swaks({ from: user.email, to: thread.replyTo, subject: 'Re: A request', body: 'fields: room, date' });
    } finally {
      intake = (raw, envelopeFrom, recipient) => deliverToQueue(t.app, raw, envelopeFrom, recipient);
    }
    expect(flooded).toMatchObject({ outcome: 'rate-limited', conversationId: null });
    expect(await messagesIn(thread.conversationId)).toBe(messagesBefore);
    expect(await refusalsOf(flooded.messageId)).toEqual([{ org_id: admin.orgId, result: 'denied', details: { code: 'rate-limited', sender: user.email, detail: expect.stringContaining('MAIL_SENDER_LIMIT_PER_HOUR') } }]);
    // not read: its analysis record has the sender stage and the route, no content stage ran
    const analysisOf = (messageId: string) => db().selectFrom('mail_analyses').select(['stages', 'classification', 'language', 'route', 'org_id']).where('message_id', '=', messageId).executeTakeFirstOrThrow();
    const floodedAnalysis = await analysisOf(flooded.messageId);
    expect(Object.keys(floodedAnalysis.stages).sort()).toEqual(['route', 'sender']);
    expect(floodedAnalysis).toMatchObject({ classification: 'other', language: 'und', route: 'rate-limited', org_id: admin.orgId, stages: { sender: { result: 'limited' } } });

    const next = await swaks({ from: user.email, to: thread.replyTo, subject: 'Re: A request', body: 'fields: room, date' });
    expect(next).toMatchObject({ outcome: 'answered', conversationId: thread.conversationId });
    expect(await refusalsOf(next.messageId)).toEqual([]);
    expect(Object.keys((await analysisOf(next.messageId)).stages)).toEqual(expect.arrayContaining(['spam', 'language', 'classification', 'app']));
  });

  it('with DKIM checks on: unsigned mail and a signature of another domain are refused; an aligned DKIM pass starts the conversation', async () => {
    const user = await freshUser();
    const domain = user.email.split('@')[1]!;
    const mine = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const theirs = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const txt = (key: typeof mine) => `v=DKIM1; k=rsa; p=${key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
    // The test DNS: the user's domain and the attacker's own domain both publish keys.
    const resolver = async (name: string, type: string) => {
      if (type === 'TXT' && name === `mp._domainkey.${domain}`) return [[txt(mine)]];
      if (type === 'TXT' && name === 'mp._domainkey.evil.test') return [[txt(theirs)]];
      throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
    };
    const base = t.app.conversationServices;
    const strict = { ...base, config: { ...base.config, mailIngest: { ...base.config.mailIngest, verifyAuth: true } } };
    intake = (raw, envelopeFrom, recipient) => handleIncomingMail(strict, raw, { from: envelopeFrom, to: [recipient] }, { resolver });
    try {
      const message = (id: string) => Buffer.from(`From: ${user.email}\r\nTo: ${MARKETPLACE}\r\nSubject: signed\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${id}@client.test>\r\n\r\nI need a form for visitor badges\r\n`);
      const signed = async (id: string, signingDomain: string, key: typeof mine) => {
        const raw = message(id);
        const signature = await dkimSign(raw, { signatureData: [{ signingDomain, selector: 'mp', privateKey: key.privateKey.export({ type: 'pkcs1', format: 'pem' }) }] } as never);
        return Buffer.concat([Buffer.from(signature.signatures), raw]);
      };
      const outcomeOf = async (id: string) => (await db().selectFrom('incoming_mail').select('outcome').where('message_id', '=', `<${id}@client.test>`).executeTakeFirstOrThrow()).outcome;
      const unsignedId = `unsigned-${randomUUID()}`;
      await sendRaw(message(unsignedId), user.email);
      expect(await outcomeOf(unsignedId)).toBe('refused:auth');
      const otherDomainId = `other-${randomUUID()}`;
      await sendRaw(await signed(otherDomainId, 'evil.test', theirs), user.email);
      expect(await outcomeOf(otherDomainId)).toBe('refused:auth');
      expect(await conversationsOf(user.userId)).toBe(0);
      expect(await auditCodes('mail.refused')).toContain('auth');

      const goodId = `good-${randomUUID()}`;
      await sendRaw(await signed(goodId, domain, mine), user.email);
      expect(await outcomeOf(goodId)).toBe('answered');
      expect(await conversationsOf(user.userId)).toBe(1);
    } finally {
      intake = (raw, envelopeFrom, recipient) => deliverToQueue(t.app, raw, envelopeFrom, recipient);
    }
  });
});

describe('authenticated status mails (item 6)', () => {
  const keyPair = () => {
    const pair = generateKeyPairSync('ed25519');
    return { privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  };
  async function enrolAgent(owner: Account, reportKey?: string) {
    const { code } = (await call(t.app, owner, { method: 'POST', url: '/api/v1/agents/enrollments', payload: {} })).json();
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'ws', hostname: 'ws', os: 'linux', ...(reportKey ? { reportKey } : {}) } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { agentId: string; mailbox: string; clientId: string; clientSecret: string };
  }
  const status = (agentId: string, app: string, extra: object = {}) => ({ statusVersion: 1 as const, agentId, app, version: '1.0.0', state: 'healthy' as const, health: { ok: true, url: 'http://127.0.0.1:41000/' }, at: new Date().toISOString(), ...extra });
  async function sendStatus(from: string, report: ReturnType<typeof status>, signingKey?: string) {
    const raw = await buildStatusEmail({ from, to: MARKETPLACE, messageId: `<status-${randomUUID()}@agents.test>`, status: report, ...(signingKey ? { signingKey } : {}) });
    await sendRaw(raw, from);
  }
  const deploymentsOf = async (app: string) => db().selectFrom('deployments').select(['agent_id', 'state', 'health']).where('app', '=', app).execute();
  const statusCodes = () => auditCodes('agent.status-mail');

  it('a signed status mail is recorded; unsigned, signed by another agent, or about another agent’s deployment it changes nothing', async () => {
    const keys = keyPair();
    const agent = await enrolAgent(ana, keys.publicKey);
    const other = keyPair();
    const otherAgent = await enrolAgent(bob, other.publicKey);

    await sendStatus(agent.mailbox, status(agent.agentId, 'unsigned-app'));
    await sendStatus(agent.mailbox, status(agent.agentId, 'foreign-signed-app'), other.privateKey);
    // Another agent, from its own mailbox and with its own valid key, reporting about this agent.
    await sendStatus(otherAgent.mailbox, status(agent.agentId, 'cross-agent-app'), other.privateKey);
    expect(await deploymentsOf('unsigned-app')).toEqual([]);
    expect(await deploymentsOf('foreign-signed-app')).toEqual([]);
    expect(await deploymentsOf('cross-agent-app')).toEqual([]);
    expect(await statusCodes()).toEqual(expect.arrayContaining(['STATUS_MAIL_UNSIGNED', 'STATUS_MAIL_BAD_SIGNATURE', 'STATUS_MAIL_WRONG_MAILBOX']));

    await sendStatus(agent.mailbox, status(agent.agentId, 'signed-app'), keys.privateKey);
    expect(await deploymentsOf('signed-app')).toMatchObject([{ agent_id: agent.agentId, state: 'healthy' }]);
  });

  it('a forged mail cannot put a phishing URL behind Open, nor can a replay of a real report', async () => {
    const keys = keyPair();
    const agent = await enrolAgent(ana, keys.publicKey);
    const real = status(agent.agentId, 'open-app');
    await sendStatus(agent.mailbox, real, keys.privateKey);
    const recorded = await deploymentsOf('open-app');
    expect(recorded).toMatchObject([{ state: 'healthy', health: { url: 'http://127.0.0.1:41000/' } }]);

    await sendStatus(agent.mailbox, status(agent.agentId, 'open-app', { health: { ok: true, url: 'https://login-acme.evil.example/' }, at: new Date(Date.now() + 1000).toISOString() }));
    // The same signed report again (a new Message-ID, the same signed body) is a replay.
    await sendStatus(agent.mailbox, real, keys.privateKey);
    expect(await deploymentsOf('open-app')).toEqual(recorded);
    expect(await statusCodes()).toEqual(expect.arrayContaining(['STATUS_MAIL_UNSIGNED', 'STATUS_MAIL_REPLAYED']));

    const later = status(agent.agentId, 'open-app', { state: 'unhealthy', health: { ok: false }, at: new Date(Date.now() + 2000).toISOString() });
    await sendStatus(agent.mailbox, later, keys.privateKey);
    expect(await deploymentsOf('open-app')).toMatchObject([{ state: 'unhealthy' }]);
  });

  it('an agent that never enrolled to report by mail is not taken by mail, even signed; it keeps reporting over HTTP and can enrol a key there', async () => {
    const agent = await enrolAgent(ana);
    const keys = keyPair();
    await sendStatus(agent.mailbox, status(agent.agentId, 'http-only-app'), keys.privateKey);
    expect(await deploymentsOf('http-only-app')).toEqual([]);
    expect(await statusCodes()).toContain('STATUS_MAIL_NOT_ENROLLED');

    const token = (await t.app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret } })).json().access_token as string;
    const http = await t.app.inject({ method: 'POST', url: '/api/v1/agents/reports', headers: { authorization: `Bearer ${token}` }, payload: { app: 'http-only-app', version: '1.0.0', state: 'healthy' } });
    expect(http.statusCode, http.body).toBeLessThan(300);
    expect(await deploymentsOf('http-only-app')).toMatchObject([{ agent_id: agent.agentId, state: 'healthy' }]);
    const badKey = await t.app.inject({ method: 'PUT', url: '/api/v1/agents/report-key', headers: { authorization: `Bearer ${token}` }, payload: { reportKey: 'not a key' } });
    expect(badKey.statusCode).toBe(400);
    const enrolled = await t.app.inject({ method: 'PUT', url: '/api/v1/agents/report-key', headers: { authorization: `Bearer ${token}` }, payload: { reportKey: keys.publicKey } });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    await sendStatus(agent.mailbox, status(agent.agentId, 'http-only-app', { state: 'unhealthy', health: { ok: false }, at: new Date(Date.now() + 1000).toISOString() }), keys.privateKey);
    expect(await deploymentsOf('http-only-app')).toMatchObject([{ state: 'unhealthy' }]);
  });
});
