/**
 * CPU cost per message of the embedded mail hub (the server's own process: listener, PGlite,
 * processing), measured with process.cpuUsage() so the figure barely moves on a busy machine where
 * wall-clock rates do. The same client as mail-hub-vs-postfix (Postfix's smtp-source), 10 KiB messages:
 *   listener → agent mailbox      one message per connection: CPU ms per message until the last 250
 *   listener → agent mailbox (-d) reused connections
 *   conversation address          CPU ms per message until the last 250 (listener, and what the
 *                                 queue got done meanwhile), and until every message is processed
 * 'main thread' is the share of the main thread alone (Linux): with the hub's listener in a thread of its
 * own (decision 0068) the rest is that thread's.
 * MAIL_BENCH_PROFILE_DIR=<dir> also writes one CPU profile per case there (open it in Chrome's
 * DevTools, Performance tab) to see where the milliseconds go.
 *
 *   node --import tsx bench/mail-hub-cpu-cost.ts
 *   (MAIL_BENCH_MESSAGES=500, MAIL_BENCH_PROFILE_DIR unset)
 * Installs nothing: without smtp-source it says what to install and skips.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@marketplace/mail/testing';
import { wholeNumberOption } from './alternate-runs.js';
import { SERVICE_ADDRESS, startMailBenchServer } from './mail-hub-server.js';

const run = promisify(execFile);
const messages = wholeNumberOption('MAIL_BENCH_MESSAGES', process.env.MAIL_BENCH_MESSAGES ?? '500', 100_000);
const SESSIONS = 20;
const SIZE = 10_240;
const SMTP_SOURCE = '/usr/sbin/smtp-source';
if (!existsSync(SMTP_SOURCE)) {
  console.log(`\n*** SKIPPED mail-hub-cpu-cost: ${SMTP_SOURCE} not installed. Run scripts/install-system-deps.sh (Debian package postfix, preseeded "No configuration"). ***\n`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'bench-hub-cpu-'));
const hubPort = await freePort();
const { server, agent, unprocessed } = await startMailBenchServer(work, hubPort);
const profileDir = process.env.MAIL_BENCH_PROFILE_DIR;
const inspector = profileDir ? new Session() : null;
if (inspector) {
  mkdirSync(profileDir!, { recursive: true });
  inspector.connect();
  await inspector.post('Profiler.enable');
}
/** Starts a CPU profile of one case (with MAIL_BENCH_PROFILE_DIR); the returned function writes it as `<name>.cpuprofile`. */
async function profile(name: string): Promise<() => Promise<void>> {
  if (!inspector) return async () => undefined;
  await inspector.post('Profiler.start');
  return async () => {
    const { profile: result } = await inspector.post('Profiler.stop');
    await writeFile(join(profileDir!, `${name}.cpuprofile`), JSON.stringify(result));
  };
}
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
/** CPU of the main thread alone (its /proc task entry, Linux; NaN elsewhere): the event loop the HTTP server, PGlite and the processing share. */
const mainThreadMs = (): number => {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
};
const CLOCK_TICKS = 100;
const rows: { case: string; 'CPU ms/msg': string; 'main thread ms/msg': string; 'wall s': string; note: string }[] = [];
try {
  const blast = (to: string, reuse: boolean, count = messages) =>
    run(SMTP_SOURCE, [...(reuse ? ['-d'] : []), '-s', String(SESSIONS), '-m', String(count), '-l', String(SIZE), '-f', 'ana@bench.example', '-t', to, `127.0.0.1:${hubPort}`], { maxBuffer: 1 << 24 });
  const emptyMaildir = async (address: string) => {
    const dir = join(work, 'data', 'mail', address);
    for (const folder of ['new', 'cur']) for (const name of await readdir(join(dir, folder)).catch(() => [])) await rm(join(dir, folder, name), { force: true });
  };

  // warm-up: code paths compiled, caches filled
  await blast(agent.mailbox, false, 100);
  await blast(SERVICE_ADDRESS, false, 100);
  while ((await unprocessed()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  await emptyMaildir(agent.mailbox);

  for (const reuse of [false, true]) {
    const stopProfile = await profile(reuse ? 'listener-reused' : 'listener');
    const cpu = process.cpuUsage();
    const main = mainThreadMs();
    const started = performance.now();
    await blast(agent.mailbox, reuse);
    await stopProfile();
    rows.push({ case: `listener → agent mailbox${reuse ? ' (-d)' : ''}`, 'CPU ms/msg': (cpuMs(cpu) / messages).toFixed(2), 'main thread ms/msg': ((mainThreadMs() - main) / messages).toFixed(2), 'wall s': ((performance.now() - started) / 1000).toFixed(1), note: '' });
    await emptyMaildir(agent.mailbox);
  }

  const stopProfile = await profile('conversation');
  const cpu = process.cpuUsage();
  const main = mainThreadMs();
  const started = performance.now();
  await blast(SERVICE_ADDRESS, false);
  const atLast250 = cpuMs(cpu);
  const mainAtLast250 = mainThreadMs() - main;
  const last250 = performance.now();
  const left = await unprocessed();
  while ((await unprocessed()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const total = cpuMs(cpu);
  const mainTotal = mainThreadMs() - main;
  await stopProfile();
  rows.push({ case: 'conversation address, until the last 250', 'CPU ms/msg': (atLast250 / messages).toFixed(2), 'main thread ms/msg': (mainAtLast250 / messages).toFixed(2), 'wall s': ((last250 - started) / 1000).toFixed(1), note: `${left} still waiting at the last 250` });
  rows.push({ case: 'conversation address, until all processed', 'CPU ms/msg': (total / messages).toFixed(2), 'main thread ms/msg': (mainTotal / messages).toFixed(2), 'wall s': ((performance.now() - started) / 1000).toFixed(1), note: `caught up ${((performance.now() - last250) / 1000).toFixed(1)} s after the last 250` });
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(`\nmail hub CPU cost: ${messages} messages of ${SIZE} bytes, ${SESSIONS} sessions (CPU of the server's process: user + system)`);
console.table(rows);
