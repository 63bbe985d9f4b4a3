import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashMailHubThreadForTests } from '@marketplace/mail/hub';
import { swaks, swaksAvailable } from '@marketplace/mail/testing';
import { enroll } from '../../agent/src/index.js';
import { startServer, type RunningServer } from '../src/composition/server.js';
import { TEST_SECRET } from './helper.js';

/**
 * The server's embedded hub takes mail only for the addresses it serves: enrolled agents, accounts,
 * the service address with its +token reply addresses, and MAIL_HUB_MAILBOXES. Everything else is
 * answered 550 5.1.1 and leaves no Maildir behind.
 */
const hasSwaks = swaksAvailable('the embedded hub directory');
let server: RunningServer;
let work: string;
let agentMailbox: string;
let adminToken: string;

beforeAll(async () => {
  if (!hasSwaks) return;
  work = mkdtempSync(join(tmpdir(), 'hub-directory-'));
  server = await startServer({
    role: 'all',
    handleSignals: false,
    env: { NODE_ENV: 'test', DATA_DIR: join(work, 'data'), PORT: '0', SMTP_LISTEN_PORT: '0', JWT_SECRET: TEST_SECRET, ROOT_KEY_PASSPHRASE: 'a test root key passphrase', LOG_LEVEL: 'silent', SMTP_FROM: 'Marketplace <marketplace@marketplace.test>', MAIL_HUB_MAILBOXES: 'support@hub.test' },
  });
  const base = server.url!;
  const registered = (await (await fetch(`${base}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: 'Directory Org', name: 'Ana', email: 'Ana@Hub.test', password: 'correct horse battery staple' }) })).json()) as { token: string };
  adminToken = registered.token;
  const { code } = (await (await fetch(`${base}/api/v1/agents/enrollments`, { method: 'POST', headers: { authorization: `Bearer ${registered.token}`, 'content-type': 'application/json' }, body: '{}' })).json()) as { code: string };
  agentMailbox = (await enroll({ server: base, code, home: join(work, 'agent') })).mailbox;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const rcpt = async (to: string) => {
  const result = await swaks(server.mailHub!.port, ['--from', 'someone@outside.example', '--to', to, '--body', 'hello']);
  return { status: result.status, reply: /<\*\* (\d{3} .*)/.exec(result.output)?.[1] ?? '' };
};

describe.skipIf(!hasSwaks)('embedded hub directory', () => {
  it('takes mail for an enrolled agent, an account, the service address, a reply address and an extra mailbox', async () => {
    for (const to of [agentMailbox, 'ana@hub.test', 'marketplace@marketplace.test', 'marketplace+t0k3n@marketplace.test', 'Support@Hub.test']) {
      const result = await rcpt(to);
      expect(result, to).toEqual({ status: 0, reply: '' });
      expect(existsSync(join(work, 'data', 'mail', to.toLowerCase(), 'new')), to).toBe(true);
    }
  });

  it('answers 550 5.1.1 for made-up addresses and keeps no Maildir for them', async () => {
    const domain = agentMailbox.split('@')[1]!;
    for (const to of [`agent-0000000000@${domain}`, 'bob@hub.test', 'marketplacex@marketplace.test', 'other+t0k3n@marketplace.test']) {
      expect(await rcpt(to), to).toEqual({ status: 24, reply: `550 5.1.1 <${to}>: no such mailbox here` });
      expect(existsSync(join(work, 'data', 'mail', to)), to).toBe(false);
    }
  });

  it('refuses a revoked agent\'s mailbox with 550 5.1.1 at the next RCPT, though the hub had it cached as served', async () => {
    expect(await rcpt(agentMailbox)).toEqual({ status: 0, reply: '' }); // cached as served now
    const agents = (await (await fetch(`${server.url}/api/v1/agents`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as { items: { id: string; mailbox: string }[] };
    const agent = agents.items.find((item) => item.mailbox.toLowerCase() === agentMailbox.toLowerCase())!;
    const revoked = await fetch(`${server.url}/api/v1/agents/${agent.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` } });
    expect(revoked.status).toBe(204);
    expect(await rcpt(agentMailbox)).toEqual({ status: 24, reply: `550 5.1.1 <${agentMailbox.toLowerCase()}>: no such mailbox here` });
  });

  it('starts the hub\'s thread again when it dies: /readyz says 503 meanwhile, /metrics counts the restart, and mail is taken after it', async () => {
    const readiness = async () => {
      const response = await fetch(`${server.url}/readyz`);
      const body = (await response.json()) as { checks: { name: string; ok: boolean; error?: string }[] };
      return { status: response.status, hub: body.checks.find((check) => check.name === 'mail-hub') };
    };
    expect(await readiness()).toMatchObject({ status: 200, hub: { ok: true } });
    crashMailHubThreadForTests(server.mailHub!, 'a bug in a session');
    await expect.poll(() => server.mailHub!.failure()).not.toBeNull();
    const down = await readiness();
    // the restart comes after a pause of 1 s: a /readyz asked at once finds the hub down
    if (server.mailHub!.failure()) {
      expect(down).toEqual({
        status: 503,
        hub: expect.objectContaining({ ok: false, error: 'the mail hub thread failed: a bug in a session: no mail is taken until it is started again (automatically, after a pause of 1 s doubling up to 1 min)' }),
      });
    }
    await expect.poll(async () => (await readiness()).status, { timeout: 30_000 }).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^marketplace_mail_hub_restarts_total\{service="marketplace"\} 1$/m);
    const inbox = join(work, 'data', 'mail', 'support@hub.test', 'new');
    const before = readdirSync(inbox).length;
    expect(await rcpt('support@hub.test')).toEqual({ status: 0, reply: '' });
    expect(readdirSync(inbox)).toHaveLength(before + 1);
    // the revoked agent is still refused by the new thread
    expect((await rcpt(agentMailbox)).status).toBe(24);
  });
});
