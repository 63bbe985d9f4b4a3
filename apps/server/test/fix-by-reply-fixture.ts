import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailSender, openMaildir, type MailSender } from '@marketplace/mail';
import { mailboxDirectory, type MailHub } from '@marketplace/mail/hub';
import pino from 'pino';
import { expect } from 'vitest';
import { enroll, startAgent, type RunningAgent } from '../../agent/src/index.js';
import type { Db } from '../src/db/schema.js';
import { startEmbeddedMailHub } from '../src/modules/mail-intake/embedded-mail-hub.js';
import { addUser, call, createPipelineApp, register, type Account } from './helper.js';
import { maildirInbox } from './maildir-inbox.js';
import { freePort } from './free-port.js';

/**
 * "Fix by reply" on real parts, shared by its suites: the embedded mail hub, the real pipeline, an owner
 * who built "Room booking" 1.0.0, a reporter who runs it on a real agent (reading its Maildir on the hub)
 * and whose bug report, sent over SMTP, landed in the owners' inbox.
 */
export const MARKETPLACE = 'marketplace@marketplace.test';
export const ROOM_BOOKING = {
  specVersion: 1,
  name: 'room-booking',
  title: 'Room booking',
  summary: 'Book the meeting rooms of the office.',
  kind: 'form-app',
  entities: [{ name: 'booking', fields: [{ name: 'room', type: 'string', required: true }, { name: 'startDate', type: 'date', required: true }, { name: 'endDate', type: 'date', required: true }, { name: 'bookedBy', type: 'email', required: true }] }],
  outputs: [{ type: 'email' }],
  auth: 'none',
};

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

export async function startFixByReply(name: string) {
  const dataDir = await mkdtemp(join(tmpdir(), `${name}-`));
  // the intake queue reads each message from the hub's Maildir copy: the server, its jobs and the hub share DATA_DIR;
  // releases go to the agents' mailboxes through the hub on its fixed port
  const smtpPort = await freePort();
  const env = await createPipelineApp({ SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000', DATA_DIR: dataDir, SMTP_LISTEN_PORT: String(smtpPort), ROOT_KEY_PASSPHRASE: 'a fix by reply root passphrase' });
  const { app } = env.t;
  const db = () => env.t.database.db as Db;
  const mailbox = maildirInbox(() => dataDir);
  const admin = await register(app, { organization: `Fix Org ${randomUUID().slice(0, 8)}` });
  const owner = await addUser(app, admin, ['member']);
  const stranger = await addUser(app, admin, ['member']);
  const reporter = await addUser(app, admin, ['member']);
  const config = { ...app.config, host: '127.0.0.1' };
  const hub: MailHub = await startEmbeddedMailHub(config, { db: db(), mailQueue: app.mailQueue }, pino({ level: 'warn' }));
  app.conversationServices.mail.sender = createMailSender({ host: '127.0.0.1', port: hub.port });
  const outside: MailSender = createMailSender({ host: '127.0.0.1', port: hub.port });

  async function waitForRequest(id: string, account: Account, timeoutMs = 240_000) {
    for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 500))) {
      const body = (await call(app, account, { method: 'GET', url: `/api/v1/requests/${id}` })).json();
      if (body.state === 'published' || body.state === 'failed') return body;
      if (Date.now() - started > timeoutMs) throw new Error(`request ${id} still ${body.state} after ${timeoutMs} ms: ${JSON.stringify(body.steps)}`);
    }
  }

  /** Sends a mail over SMTP into the hub and waits until the server processed it: its `state outcome`. */
  async function deliver(input: { from: string; to: string; subject: string; text: string; messageId?: string; inReplyTo?: string }): Promise<string> {
    const messageId = input.messageId ?? `<mail.${randomUUID()}@example.test>`;
    const headers = [`From: ${input.from}`, `To: ${input.to}`, `Subject: ${input.subject}`, `Message-ID: ${messageId}`, ...(input.inReplyTo ? [`In-Reply-To: ${input.inReplyTo}`] : []), `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
    expect((await outside.send({ raw: Buffer.from([...headers, '', input.text, ''].join('\r\n')), envelope: { from: input.from, to: [input.to] } })).ok).toBe(true);
    return until(`the mail ${messageId} to be processed`, async () => {
      const row = await db().selectFrom('incoming_mail').select(['state', 'outcome']).where('message_id', '=', messageId).executeTakeFirst();
      return row?.state === 'done' || row?.state === 'quarantined' ? `${row.state} ${row.outcome}` : undefined;
    });
  }

  /** Lets the reporter's agent read its mailbox until it runs `version` of the app healthy (as the server shows it). */
  async function reporterRuns(version: string) {
    let seen: unknown;
    return until(`${version} healthy on the reporter's agent`, async () => {
      await reporterAgent.processOnce();
      const items = (await call(app, reporter, { method: 'GET', url: '/api/v1/deployments?app=room-booking' })).json().items as { version: string; state: string; agentId: string }[];
      seen = { deployments: items, deliveries: (await call(app, reporter, { method: 'GET', url: `/api/v1/deliveries?appId=${appId}` })).json().items };
      return items.find((d) => d.agentId === reporterAgent.config.agentId && d.version === version && d.state === 'healthy');
    }, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(seen)}`);
    });
  }

  // the owner built the app (1.0.0) and has a workstation enrolled
  const { code } = (await call(app, owner, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  expect((await app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'owner-laptop', hostname: 'owner-host', os: 'linux' } })).statusCode).toBe(201);
  const first = await call(app, owner, { method: 'POST', url: '/api/v1/requests', payload: { spec: ROOM_BOOKING } });
  expect(first.statusCode, first.body).toBe(202);
  const published = await waitForRequest(first.json().id, owner);
  expect(published.state, JSON.stringify(published.steps)).toBe('published');
  const appId: string = published.appId;

  // the reporter runs 1.0.0 on their workstation (a real agent reading its Maildir on the hub)
  const serverUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const { code: reporterCode } = (await call(app, reporter, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const home = join(dataDir, 'reporter-agent');
  const enrolled = await enroll({ server: serverUrl, code: reporterCode, home });
  const reporterAgent: RunningAgent = await startAgent({ home, mailbox: await openMaildir(mailboxDirectory(dataDir, enrolled.mailbox), { fsWatch: false }), maxHealthTimeoutMs: 20_000, log: () => {} });
  const install = await call(app, reporter, { method: 'POST', url: `/api/v1/apps/${appId}/versions/1.0.0/distribute`, payload: {} });
  expect(install.statusCode, install.body).toBe(202);
  await reporterRuns('1.0.0');

  // the reporter is proven by their conversation's reply address
  const conversation = (await call(app, reporter, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'hello' } })).json();
  const token = (await db().selectFrom('conversations').select('mail_token').where('id', '=', conversation.id).executeTakeFirstOrThrow()).mail_token;
  const reporterAddress = `marketplace+${token}@marketplace.test`;
  const bugMessageId = `<bug.${randomUUID()}@example.test>`;
  const outcome = await deliver({ from: reporter.email, to: reporterAddress, subject: 'Room booking crashes', messageId: bugMessageId, text: 'When I book a room in the Room booking form there is nowhere to say why, and Save crashes with an error 500.' });
  expect(outcome).toBe('done inbox:bug-report');
  const items = (await call(app, owner, { method: 'GET', url: '/api/v1/messages' })).json().items as { id: string; subject: string }[];
  const bugId = items.find((m) => m.subject === 'Room booking crashes')!.id;

  return {
    env,
    app,
    db,
    mailbox,
    outside,
    admin,
    owner,
    stranger,
    reporter,
    appId,
    bugId,
    bugMessageId,
    agent: () => reporterAgent,
    waitForRequest,
    reporterRuns,
    deliver,
    async close() {
      await reporterAgent.stop({ stopApps: true });
      outside.close();
      await hub.close();
      await env.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

export type FixByReply = Awaited<ReturnType<typeof startFixByReply>>;
