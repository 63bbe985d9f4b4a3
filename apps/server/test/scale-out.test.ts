/**
 * Scale-out on real PostgreSQL and Redis: two `api`, two `worker` and one `smtp` process started at
 * once on an empty database; 20 requests through both APIs and 5 by mail; one worker killed with -9
 * while it validates. Every request is published exactly once within three minutes, with one release
 * mail each, no sandbox process left running and no work directory left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresCluster } from '@marketplace/db/testing';
import { listTemplates } from '@marketplace/generators';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maildirInbox } from './maildir-inbox.js';
import { freePort } from './free-port.js';
import { postgresAndRedis, roleProcessEnv, spawnRole, type RoleProcess } from './role-processes.js';

const MARKETPLACE = 'marketplace@marketplace.test';

const redisServer = postgresAndRedis('the scale-out suite');


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

interface Role extends RoleProcess {
  name: string;
}

/** Pids of every process (not zombie) whose working directory is under `root`: the sandboxes' processes. */
function processesUnder(root: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0] === 'Z') continue;
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(root)) found.push(Number(entry));
    } catch {}
  }
  return found;
}

describe.runIf(redisServer)('scale-out: api ×2, worker ×2, smtp on PostgreSQL and Redis', () => {
  let cluster: PostgresCluster;
  let redis: ChildProcess;
  let root: string;
  let workRoot: string;
  let env: Record<string, string>;
  let smtpData: string;
  let smtpPort: number;
  const apiPorts: number[] = [];
  const roles: Role[] = [];
  let db: pg.Client;

  function start(name: string, role: 'api' | 'worker' | 'smtp', extra: Record<string, string> = {}): Role {
    const started = { name, ...spawnRole(role, { ...env, DATA_DIR: join(root, name), ...extra }) };
    roles.push(started);
    return started;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'scale-out-'));
    // Every worker's TMPDIR: the killed worker's directory and the others' live side by side here.
    workRoot = join(root, 'tmp');
    cluster = await startPostgres();
    const redisPort = await freePort();
    redis = spawn(redisServer!, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    smtpPort = await freePort();
    apiPorts.push(await freePort(), await freePort());
    smtpData = join(root, 'smtp');
    env = {
      ...roleProcessEnv({ databaseUrl: cluster.urlFor('postgres'), redisPort, smtpFrom: MARKETPLACE, workDir: join(workRoot, 'marketplace-work') }),
      SMTP_LISTEN_PORT: String(smtpPort),
      MAIL_HUB_PORT: String(smtpPort),
      MAIL_SENDER_LIMIT_PER_HOUR: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    // All five at once on the empty database.
    start('api-1', 'api', { PORT: String(apiPorts[0]) });
    start('api-2', 'api', { PORT: String(apiPorts[1]) });
    start('worker-1', 'worker');
    start('worker-2', 'worker');
    start('smtp', 'smtp');
    const outputs = () => roles.map((role) => `--- ${role.name}:\n${role.output()}`).join('\n');
    for (const port of apiPorts) {
      await until(`api on ${port} ready`, async () => {
        const broken = roles.find((role) => role.child.exitCode !== null);
        if (broken) throw new Error(`${broken.name} exited (${broken.child.exitCode}):\n${broken.output()}`);
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        return response?.ok;
      }, 150_000).catch(async (error: Error) => {
        const answer = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.text(), (e: Error) => e.message);
        throw new Error(`${error.message}; /readyz: ${answer}\n${outputs()}`);
      });
    }
    db = new pg.Client({ connectionString: cluster.urlFor('postgres') });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    for (const role of roles) if (role.child.exitCode === null && role.child.signalCode === null) role.child.kill('SIGKILL');
    redis?.kill('SIGTERM');
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('publishes every request exactly once, with one release mail each, through a worker killed mid-validation', async () => {
    const api = (index: number, path: string, init: RequestInit = {}, token?: string) =>
      fetch(`http://127.0.0.1:${apiPorts[index % 2]}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });
    const email = 'requester@acme.test';
    const { inbox } = maildirInbox(() => smtpData);
    const registered = await (await api(0, '/api/v1/auth/register', { method: 'POST', body: JSON.stringify({ organization: 'Scale Org', name: 'Ria Requester', email, password: 'correct horse battery staple' }) })).json();
    const token = registered.token as string;
    expect(token, JSON.stringify(registered)).toBeTruthy();
    // Each requester's workstation: a published release is mailed to its agent mailbox on the smtp role's hub.
    const enrol = async (as: string) => {
      const { code } = await (await api(1, '/api/v1/agents/enrollments', { method: 'POST', body: '{}' }, as)).json();
      const enrolled = await (await api(0, '/api/v1/agents/enroll', { method: 'POST', body: JSON.stringify({ code, name: 'laptop', hostname: 'laptop', os: 'linux' }) })).json();
      expect(enrolled.mailbox, JSON.stringify(enrolled)).toBeTruthy();
      return enrolled.mailbox as string;
    };
    const mailboxes = [await enrol(token)];
    // Five colleagues who ask by mail, each with a workstation of their own.
    const things = ['laptops', 'monitors', 'phones', 'headsets', 'docking stations'];
    const colleagues = await Promise.all(
      things.map(async (thing, index) => {
        const address = `colleague-${index}@acme.test`;
        const invite = await (await api(index, '/api/v1/invitations', { method: 'POST', body: JSON.stringify({ email: address, roles: ['member'] }) }, token)).json();
        const accepted = await (await api(index + 1, '/api/v1/auth/invitations/accept', { method: 'POST', body: JSON.stringify({ token: invite.token, name: `Colleague ${index}`, password: 'another long password 1' }) })).json();
        expect(accepted.token, JSON.stringify(accepted)).toBeTruthy();
        mailboxes.push(await enrol(accepted.token));
        return { thing, address };
      }),
    );

    const started = Date.now();
    const spec = listTemplates().find((template) => template.kind === 'api-service')!.exampleSpec as { name: string; title: string };
    const submitted = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const response = await api(index, '/api/v1/requests', { method: 'POST', body: JSON.stringify({ spec: { ...spec, name: `scale-${index}`, title: `Scale ${index}` } }) }, token);
        expect(response.status, await response.clone().text()).toBe(202);
        return (await response.json()).id as string;
      }),
    );

    // Kill -9 whichever worker is validating (its sandbox runs under its work directory).
    const workers = roles.filter((role) => role.name.startsWith('worker'));
    const { victim, sandbox } = await until('a worker validating', async () => {
      for (const worker of workers) {
        const own = processesUnder(workRoot).filter((pid) => ancestors(pid).includes(worker.child.pid!));
        if (own.length) return { victim: worker, sandbox: own };
      }
      return null;
    }, 120_000, 50);
    victim.child.kill('SIGKILL');
    await victim.exited;
    // Its sandbox dies with it.
    await until('the killed worker’s sandbox processes gone', async () => sandbox.every((pid) => !alive(pid)), 10_000);
    // A replacement starts and removes the dead worker's work directory.
    const replacement = start('worker-3', 'worker');

    // Five by mail to the smtp role: first contact asks for a confirmation, then the ready app waits for "yes".
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const send = (from: string, to: string, subject: string, text: string, inReplyTo?: string) => transport.sendMail({ from, to, subject, text, ...(inReplyTo ? { inReplyTo, references: inReplyTo } : {}) });
    await Promise.all(
      colleagues.map(async ({ thing, address }) => {
        const seen = new Set<string | undefined>();
        await send(address, MARKETPLACE, `Tracker for ${thing}`, `I need a REST API to track ${thing}: serial number, owner e-mail, purchase date, price and status (in use, spare, broken). Protect it with an API key.`);
        // Answer what the server asks (a confirmation of the sender, then "yes" to build); other mails (Building …) are news.
        for (let ready = false; !ready; ) {
          const mails = await until(`an answer to ${address}`, async () => {
            const fresh = (await inbox(address)).filter((mail) => !seen.has(mail.messageId));
            for (const mail of fresh) seen.add(mail.messageId);
            return fresh.length ? fresh : null;
          }, 60_000, 200);
          for (const mail of mails) {
            const replyTo = mail.from!.value[0]!.address!;
            if (/reply to this mail/.test(mail.text ?? '')) {
              await send(address, replyTo, `Re: ${mail.subject}`, 'yes, that was me', mail.messageId);
            } else if ((mail.text ?? '').includes('Reply “yes” to build this app')) {
              await send(address, replyTo, `Re: ${mail.subject}`, 'yes', mail.messageId);
              ready = true;
            }
          }
        }
      }),
    );
    transport.close();
    const byMail = await until('five requests by mail', async () => {
      const rows = (await db.query(`select id from requests where source = 'email'`)).rows as { id: string }[];
      return rows.length === 5 ? rows.map((row) => row.id) : null;
    }, 60_000);

    const all = [...submitted, ...byMail];
    await until('every request published', async () => {
      const { rows } = await db.query(`select state, count(*)::int as n from requests where id = any($1) group by state`, [all]);
      const failed = rows.find((row) => row.state === 'failed');
      if (failed) throw new Error(`requests failed: ${JSON.stringify((await db.query(`select r.id, s.step, s.error from requests r join request_steps s on s.request_id = r.id where r.state = 'failed' and s.state = 'failed'`)).rows)}`);
      return rows.length === 1 && rows[0].state === 'published' && rows[0].n === 25;
    }, 180_000 - (Date.now() - started), 1000);
    expect(Date.now() - started).toBeLessThan(180_000);

    // Exactly once: one version per request.
    const versions = (await db.query(`select request_id, count(*)::int as n from app_versions where request_id = any($1) group by request_id`, [all])).rows as { n: number }[];
    expect(versions).toHaveLength(25);
    expect(versions.every((row) => row.n === 1)).toBe(true);
    // One release mail each, in the agent's mailbox on the smtp role's hub.
    const releaseMails = async () => (await Promise.all(mailboxes.map((mailbox) => inbox(mailbox)))).map((mails) => mails.length);
    await until('25 release mails', async () => (await releaseMails()).reduce((sum, n) => sum + n, 0) >= 25, 60_000, 500);
    await sleep(2_000);
    // 20 for the requester through the APIs, one for each colleague by mail.
    expect(await releaseMails()).toEqual([20, 1, 1, 1, 1, 1]);
    const releases = await inbox(mailboxes[0]!);
    expect(new Set(releases.map((mail) => mail.subject)).size).toBe(20);

    // Nothing left behind: no sandbox process, and after a clean stop no work directory.
    expect(processesUnder(workRoot)).toEqual([]);
    for (const role of roles) if (role.child.exitCode === null && role.child.signalCode === null) role.child.kill('SIGTERM');
    await Promise.all(roles.filter((role) => role !== victim).map((role) => role.exited));
    expect(replacement.output()).not.toMatch(/"level":(50|60)/);
    expect(readdirSync(join(workRoot, 'marketplace-work'))).toEqual([]);
  }, 420_000);
});

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pid's parent, grandparent, … up to init. */
function ancestors(pid: number): number[] {
  const chain: number[] = [];
  let current = pid;
  for (let depth = 0; depth < 32 && current > 1; depth += 1) {
    try {
      current = Number(readFileSync(`/proc/${current}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    } catch {
      break;
    }
    chain.push(current);
  }
  return chain;
}
