import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/db/schema.js';
import { CORPUS_APPS, type CorpusMail } from './mail-corpus.js';
import { addUser, call, register, type Account } from './helper.js';

export const MARKETPLACE = 'marketplace@marketplace.test';

export interface PipelineOrg {
  admin: Account;
  reporter: Account;
  /** The reporter's conversation reply token: mail to marketplace+<token>@… comes from a proven sender. */
  token: string;
  /** App name → id (the admin owns them all). */
  apps: Record<string, string>;
}

/**
 * An organisation as the inbound pipeline meets it: an admin who owns four apps, and a member (the
 * reporter) whose enrolled agent runs room-booking 1.2.0 and who has a conversation (its +token address proves them).
 */
export async function setupPipelineOrg(app: FastifyInstance, db: Db): Promise<PipelineOrg> {
  const admin = await register(app, { organization: `Pipeline Org ${randomUUID().slice(0, 8)}` });
  const reporter = await addUser(app, admin, ['member']);
  const apps: Record<string, string> = {};
  for (const a of CORPUS_APPS) {
    const id = randomUUID();
    apps[a.name] = id;
    await db.insertInto('apps').values({ id, org_id: admin.orgId, name: a.name, title: a.title, summary: `${a.title} for the office`, kind: 'form-app', tags: [], spec: '{}', latest_version: '1.2.0', author_id: admin.userId }).execute();
    await db.insertInto('app_owners').values({ id: randomUUID(), app_id: id, org_id: admin.orgId, user_id: admin.userId, group_id: null, added_by: admin.userId }).execute();
  }
  const code = (await call(app, reporter, { method: 'POST', url: '/api/v1/agents/enrollments' })).json().code;
  const agent = (await app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'reporter-laptop', hostname: 'reporter-host', os: 'linux' } })).json();
  const agentToken = (await app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret } })).json().access_token;
  const report = await call(app, { token: agentToken }, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'room-booking', version: '1.2.0', state: 'healthy' } });
  if (report.statusCode >= 300) throw new Error(`the agent report failed: ${report.body}`);
  const conversation = (await call(app, reporter, { method: 'POST', url: '/api/v1/conversations', payload: { text: 'hello' } })).json();
  const token = (await db.selectFrom('conversations').select('mail_token').where('id', '=', conversation.id).executeTakeFirstOrThrow()).mail_token;
  if (!token) throw new Error('the conversation has no mail token');
  return { admin, reporter, token, apps };
}

/** The raw message for one corpus mail: from the reporter to their +token address, or from a stranger to the plain address. */
export function corpusMessage(mail: CorpusMail, org: PipelineOrg, runId: string): { raw: Buffer; from: string; to: string; messageId: string } {
  const from = mail.from === 'reporter' ? org.reporter.email : `someone-${mail.id}@outside.example`;
  const to = mail.from === 'reporter' ? `marketplace+${org.token}@marketplace.test` : MARKETPLACE;
  const messageId = `<${mail.id}.${runId}@${from.split('@')[1]}>`;
  const lines = [
    `From: ${from}`,
    `To: ${to}`,
    // RFC 2047 only where needed, like a mail client: base64 for plain ASCII is a spam sign to rspamd
    `Subject: ${/^[\x20-\x7e]*$/.test(mail.subject) ? mail.subject : `=?UTF-8?B?${Buffer.from(mail.subject).toString('base64')}?=`}`,
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${/^[\t\n\r\x20-\x7e]*$/.test(mail.body) ? '7bit' : '8bit'}`,
    ...(mail.headers ?? []),
    '',
    mail.body.replace(/\r?\n/g, '\r\n'),
  ];
  return { raw: Buffer.from(`${lines.join('\r\n')}\r\n`), from, to, messageId };
}

/** What a reader would call the analysis: spam, else its class. */
export const labelOf = (analysis: { spam: boolean; classification: string }) => (analysis.spam ? 'spam' : analysis.classification);
