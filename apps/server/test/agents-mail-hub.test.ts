import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory } from '@marketplace/mail/hub';
import { enroll, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { releaseMail, sendMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { startServer, type RunningServer } from '../src/composition/server.js';
import { TEST_SECRET } from './helper.js';

/**
 * `startServer` on embedded defaults starts the mail hub: releases land in the agent's Maildir
 * under DATA_DIR/mail, and the agent's `--report-by-mail` status e-mails to the server's own
 * address are ingested and recorded like HTTP reports.
 */
let server: RunningServer;
let work: string;
let agent: RunningAgent;
let token: string;
let base: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-hub-'));
  server = await startServer({
    role: 'all',
    handleSignals: false,
    env: { NODE_ENV: 'test', DATA_DIR: join(work, 'data'), PORT: '0', SMTP_LISTEN_PORT: '0', JWT_SECRET: TEST_SECRET, ROOT_KEY_PASSPHRASE: 'a test root key passphrase', LOG_LEVEL: 'silent', SMTP_FROM: 'marketplace@marketplace.test' },
  });
  base = server.url!;
}, 60_000);

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return response.json() as Promise<any>;
};

describe('embedded mail hub in the server', () => {
  it('delivers a release to the agent’s Maildir and ingests its status e-mails', async () => {
    expect(server.mailHub).toMatchObject({ host: '127.0.0.1', port: expect.any(Number) });
    const registered = await (await fetch(`${base}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: 'Hub Org', name: 'Ana', email: 'ana@hub.test', password: 'correct horse battery staple' }) })).json();
    token = registered.token;
    const orgId = registered.organization.id;
    const { code } = await api('POST', '/api/v1/agents/enrollments', {});
    const home = join(work, 'agent');
    const config = await enroll({ server: base, code, home });
    const maildir = mailboxDirectory(join(work, 'data'), config.mailbox);
    agent = await startAgent({ home, mailbox: await openMaildir(maildir, { fsWatch: false }), reportByMail: { ...server.mailHub!, to: 'marketplace@marketplace.test' }, log: () => {} });

    const release = await signedTinyRelease(await server.app!.orgKeys.signingKey(orgId), 'hub-app', '1.0.0');
    await sendMail(server.mailHub!, await releaseMail(release, { org: orgId, to: config.mailbox, agentId: config.agentId }), 'marketplace@marketplace.test', config.mailbox);
    expect((await agent.processOnce()).processed).toBe(1);

    const deadline = Date.now() + 10_000;
    let history: any[] = [];
    while (Date.now() < deadline) {
      const [item] = (await api('GET', '/api/v1/deployments?app=hub-app')).items;
      if (item) history = (await api('GET', `/api/v1/deployments/${item.id}`)).history;
      if (history.filter((h) => h.source === 'mail').length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(history.filter((h) => h.source === 'mail').map((h) => h.state)).toEqual(['received', 'deploying', 'healthy']);
    expect(history.filter((h) => h.source === 'http').map((h) => h.state)).toEqual(['received', 'deploying', 'healthy']);
  });
});
