/**
 * Release e-mail accepted by the mail hub → app healthy on the agent (Maildir watched with
 * fs.watch, verify, unpack, start a real Node.js process, health check, switch). p50 / p95 over 20
 * upgrades one after another, then 10 different apps sent at once. Baseline in the same run:
 * starting the same app directly with node and polling its health path, the floor any deploy pays.
 *
 *   node --import tsx bench/agent-deploy.ts          (AGENT_BENCH_RUNS=20, AGENT_BENCH_PARALLEL=10)
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory, startMailHub } from '@marketplace/mail/hub';
import { freePort, waitHealthy } from '../apps/agent/src/health-check.js';
import { startAgent } from '../apps/agent/src/index.js';
import { releaseMail, sendMail, signedTinyRelease, tinyAppFiles } from '../apps/agent/test/release-fixtures.js';
import { benchAgentHome, percentile } from './agent-setup.js';

const runs = Number(process.env.AGENT_BENCH_RUNS ?? 20);
const parallel = Number(process.env.AGENT_BENCH_PARALLEL ?? 10);

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function directStart(dir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
  const health = await waitHealthy(port, '/healthz', 10_000);
  const ms = performance.now() - started;
  child.kill('SIGKILL');
  if (!health.ok) throw new Error('baseline app did not start');
  return ms;
}

async function main(): Promise<void> {
  const setup = await benchAgentHome();
  const hub = await startMailHub({ dataDir: join(setup.root, 'hub'), port: 0 });
  const maildir = mailboxDirectory(join(setup.root, 'hub'), setup.mailbox);
  const agent = await startAgent({ home: setup.home, mailbox: await openMaildir(maildir), fetchKeyList: async () => setup.keyListJson, log: () => {} });
  agent.watch();
  try {
    // baseline: the bare app process to healthy
    const appDir = join(setup.root, 'baseline');
    await mkdir(appDir, { recursive: true });
    for (const [file, content] of tinyAppFiles('baseline', '1.0.0')) await writeFile(join(appDir, file), content);
    const baseline: number[] = [];
    for (let i = 0; i < runs; i += 1) baseline.push(await directStart(appDir));

    const sequential: number[] = [];
    for (let i = 1; i <= runs; i += 1) {
      const version = `1.0.${i}`;
      const release = await signedTinyRelease(setup.signer, 'bench-app', version);
      const raw = await releaseMail(release, { org: setup.org, to: setup.mailbox, agentId: setup.agentId });
      await sendMail(hub, raw, 'marketplace@marketplace.test', setup.mailbox);
      const accepted = performance.now();
      await until(() => agent.deployedVersion('bench-app') === version);
      sequential.push(performance.now() - accepted);
    }

    const releases = await Promise.all(Array.from({ length: parallel }, (_, i) => signedTinyRelease(setup.signer, `bench-app-${i}`, '1.0.0')));
    const mails = await Promise.all(releases.map((release) => releaseMail(release, { org: setup.org, to: setup.mailbox, agentId: setup.agentId })));
    const burstStart = performance.now();
    await Promise.all(mails.map((raw) => sendMail(hub, raw, 'marketplace@marketplace.test', setup.mailbox)));
    const acceptedAt = performance.now();
    const each: number[] = [];
    await Promise.all(
      releases.map(async (release) => {
        await until(() => agent.deployedVersion(release.app) === '1.0.0', 60_000);
        each.push(performance.now() - acceptedAt);
      }),
    );
    const burstTotal = performance.now() - burstStart;

    const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
    const p50 = percentile(sequential, 50);
    const base50 = percentile(baseline, 50);
    console.log(`agent deploy (mail accepted → healthy), ${runs} upgrades one after another:`);
    console.log(`  p50 ${fmt(p50)}   p95 ${fmt(percentile(sequential, 95))}   (goal p50 ≤ 2000 ms: ${p50 <= 2000 ? 'met' : 'missed'})`);
    console.log(`baseline (same app started directly, to healthy): p50 ${fmt(base50)}   p95 ${fmt(percentile(baseline, 95))}`);
    console.log(`  ratio agent/baseline p50: ${(p50 / base50).toFixed(2)}×`);
    console.log(`${parallel} different apps sent at once: per app p50 ${fmt(percentile(each, 50))}   p95 ${fmt(percentile(each, 95))}   all healthy after ${fmt(burstTotal)}`);
  } finally {
    await agent.stop({ stopApps: true });
    await hub.close();
    await rm(setup.root, { recursive: true, force: true });
  }
}

await main();
