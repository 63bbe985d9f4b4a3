/**
 * The worker and smtp roles, which build no HTTP app, answer /healthz, /readyz and /metrics on OPS_PORT
 * (decision 0078): started as real processes on PostgreSQL and Redis, their readiness names what only the
 * process knows (its job workers polling, its mail hub thread up) and their /metrics carries the process
 * series and the role's own. A hub thread that dies turns the smtp role's /readyz to 503, naming it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresCluster } from '@marketplace/db/testing';
import { crashMailHubThreadForTests } from '@marketplace/mail/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/composition/server.js';
import { freePort } from './free-port.js';
import { postgresAndRedis, roleProcessEnv, spawnRole } from './role-processes.js';

const redisServer = postgresAndRedis('the operations endpoint suite');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Readiness {
  status: number;
  body: { status: string; checks: { name: string; ok: boolean; error?: string }[] };
}

async function readiness(base: string): Promise<Readiness> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

/** The value of one series (`name{labels}`) in a Prometheus text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.runIf(redisServer)('the operations endpoint of the worker and smtp roles (OPS_PORT)', () => {
  let cluster: PostgresCluster;
  let redis: ChildProcess;
  let root: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];
  const inProcess: RunningServer[] = [];

  /** `marketplace serve --role …` as a process, with a data directory of its own. */
  function serve(role: 'worker' | 'smtp', extra: Record<string, string>) {
    const started = spawnRole(role, { ...env, DATA_DIR: join(root, `${role}-${children.length}`), ...extra });
    children.push(started.child);
    return started;
  }

  /** Waits until `base`/healthz answers, failing with the process's output if it exits first. */
  async function answering(base: string, started: ReturnType<typeof serve>): Promise<void> {
    const deadline = Date.now() + 150_000;
    for (;;) {
      if (started.child.exitCode !== null) throw new Error(`the process exited (${started.child.exitCode}):\n${started.output()}`);
      const response = await fetch(`${base}/healthz`).catch(() => null);
      if (response?.ok) return;
      if (Date.now() > deadline) throw new Error(`${base}/healthz did not answer within 150 s:\n${started.output()}`);
      await sleep(200);
    }
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ops-endpoint-'));
    cluster = await startPostgres();
    const redisPort = await freePort();
    redis = spawn(redisServer!, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    env = roleProcessEnv({ databaseUrl: cluster.urlFor('postgres'), redisPort, smtpFrom: 'marketplace@marketplace.test', workDir: join(root, 'work') });
  }, 180_000);

  afterAll(async () => {
    for (const server of inProcess) await server.stop().catch(() => undefined);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    redis?.kill('SIGTERM');
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a worker answers /healthz, /readyz with its job queue polling, and /metrics with the process and its workers; nothing else', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const worker = serve('worker', { OPS_PORT: String(port), MAIL_HUB_PORT: String(await freePort()) });
    await answering(base, worker);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    await expect.poll(() => worker.output()).toContain(`marketplace is running (worker); health ${base}/readyz   metrics ${base}/metrics`);
    const ready = await readiness(base);
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body.checks.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: 'database', ok: true },
      { name: 'migrations', ok: true },
      { name: 'jobs', ok: true },
    ]);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    // prom-client's process series: memory, event-loop lag, GC, open handles; and the process's database pool.
    for (const series of ['process_resident_memory_bytes{service="marketplace"}', 'db_pool_connections{state="total",service="marketplace"}']) {
      expect(sample(text, series), series).toBeGreaterThan(0);
    }
    expect(sample(text, 'nodejs_eventloop_lag_seconds{service="marketplace"}')).toBeGreaterThanOrEqual(0);
    // declared from the start; its samples appear after the process's first garbage collection (none yet, in a fresh process)
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
    expect(text).toMatch(/^nodejs_active_handles\{/m);
    // The worker's own: its pg-boss workers polling, and the handlers running now.
    expect(sample(text, 'marketplace_job_workers_polling{service="marketplace"}')).toBeGreaterThan(0);
    expect(sample(text, 'marketplace_jobs_running{service="marketplace"}')).toBe(0);
    // What the api role reports from the shared database is not exported a second time here, nor the HTTP app's series.
    expect(text).not.toMatch(/^marketplace_job_queue_jobs\b/m);
    expect(text).not.toMatch(/^marketplace_state_metrics_up\b/m);
    expect(text).not.toMatch(/^http_request_duration_seconds/m);
    expect(text).not.toMatch(/^marketplace_mail_hub_/m);
    // Only those three routes.
    for (const path of ['/api/v1/catalog', '/docs', '/', '/api/v1/auth/register']) expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    // Bound to HOST (loopback here): another address of this machine does not answer.
    const elsewhere = await fetch(`http://127.0.0.2:${port}/healthz`).then((r) => r.status, () => 'refused');
    expect(elsewhere).toBe('refused');
  });

  it('an smtp role answers /readyz with its mail hub thread up, and /metrics with the hub restarts and up', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const smtp = serve('smtp', { OPS_PORT: String(port), SMTP_LISTEN_PORT: String(await freePort()) });
    await answering(base, smtp);
    const ready = await readiness(base);
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body.checks.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: 'database', ok: true },
      { name: 'migrations', ok: true },
      { name: 'mail-hub', ok: true },
    ]);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(sample(text, 'marketplace_mail_hub_up{service="marketplace"}')).toBe(1);
    expect(sample(text, 'marketplace_mail_hub_restarts_total{service="marketplace"}')).toBe(0);
    expect(sample(text, 'process_resident_memory_bytes{service="marketplace"}')).toBeGreaterThan(0);
    // The smtp role only sends jobs: no workers of its own to report.
    expect(text).not.toMatch(/^marketplace_job_workers_polling\b/m);
    expect(text).not.toMatch(/^marketplace_job_queue_jobs\b/m);
  });

  it('an smtp role whose hub thread died is not ready, naming the mail hub, until the thread is started again', async () => {
    const server = await startServer({ role: 'smtp', handleSignals: false, env: { ...env, LOG_LEVEL: 'silent', DATA_DIR: join(root, 'smtp-crash'), OPS_PORT: '0', SMTP_LISTEN_PORT: '0' } });
    inProcess.push(server);
    const base = server.opsUrl!;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await readiness(base)).status).toBe(200);
    crashMailHubThreadForTests(server.mailHub!, 'a bug in a session');
    // The thread is started again after a pause of 1 s: asked in that pause, /readyz says why it is not ready.
    let down: Readiness | undefined;
    await expect
      .poll(async () => {
        const answer = await readiness(base);
        if (answer.status === 503) down = answer;
        return down !== undefined || server.mailHub!.restarts() > 0;
      }, { timeout: 30_000, interval: 20 })
      .toBe(true);
    expect(down, 'no /readyz asked while the thread was down answered 503').toBeDefined();
    expect(down!.body.status).toBe('not-ready');
    expect(down!.body.checks.filter((check) => !check.ok)).toEqual([
      expect.objectContaining({ name: 'mail-hub', ok: false, error: 'the mail hub thread failed: a bug in a session: no mail is taken until it is started again (automatically, after a pause of 1 s doubling up to 1 min)' }),
    ]);
    await expect.poll(async () => (await readiness(base)).status, { timeout: 30_000 }).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(sample(text, 'marketplace_mail_hub_restarts_total{service="marketplace"}')).toBe(1);
    expect(sample(text, 'marketplace_mail_hub_up{service="marketplace"}')).toBe(1);
  });

  it('a bad OPS_PORT stops the start with a message naming it: not a number, or a port in use', async () => {
    const notANumber = serve('worker', { OPS_PORT: 'metrics', MAIL_HUB_PORT: '2525' });
    expect(await notANumber.exited).toBe(2);
    expect(notANumber.output()).toContain("OPS_PORT: expected a port number from 0 to 65535, got 'metrics'");

    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const inUse = serve('worker', { OPS_PORT: String(port), MAIL_HUB_PORT: '2525' });
      expect(await inUse.exited).toBe(1);
      expect(inUse.output()).toContain(`marketplace: OPS_PORT: the operations endpoint cannot listen on 127.0.0.1:${port}: that port is in use by another process; choose a free one.`);
    } finally {
      taken.close();
    }
  });
});
