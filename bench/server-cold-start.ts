/**
 * Cold start of the built server (`marketplace serve`, production) to /readyz 200, on a fresh and on an existing
 * data dir, and its idle RSS after start-up; on PGlite and on PostgreSQL (a throwaway cluster, when Debian's
 * binaries are installed). Baselines in the same run: `node -e ""`, and a bare Fastify server started to its first
 * 200 (start-up, wall and CPU time: on a busy machine compare the CPU column) and idle (memory). Needs `npm run build` first.
 * With `--against <dir>` (or SERVER_BENCH_AGAINST=<dir>), another built checkout of the repository (e.g. main's,
 * built in a copy with hard-linked node_modules) is started too, alternately with this one, and its rows follow
 * with the ratio of this tree's CPU to its CPU.
 *   node --import tsx bench/server-cold-start.ts [--runs 3] [--against /tmp/main-copy]      (SERVER_BENCH_SETTLE_MS=3000)
 * SERVER_BENCH_NODE_OPTIONS=<flags> starts this tree's servers (not the baseline's) with NODE_OPTIONS=<flags>, to compare
 * node or V8 flags A/B: e.g. `--max-semi-space-size=8 … --against <the same tree>` (decision 0073).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { findPostgresBinaries, startPostgres } from '../packages/db/src/testing/start-postgres.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const settleMs = Number(process.env.SERVER_BENCH_SETTLE_MS ?? 3000);
const repo = join(import.meta.dirname, '..');
const againstOption = process.argv.includes('--against') ? process.argv[process.argv.indexOf('--against') + 1] : process.env.SERVER_BENCH_AGAINST;
const nodeOptions = process.env.SERVER_BENCH_NODE_OPTIONS;
const nodeOptionsEnv: Record<string, string> = nodeOptions ? { NODE_OPTIONS: nodeOptions } : {};
/** This tree, then the baseline tree when one is given: each run starts them in turn. */
const trees = [
  { label: nodeOptions ? ` [NODE_OPTIONS=${nodeOptions}]` : '', repo, env: nodeOptionsEnv },
  ...(againstOption ? [{ label: ` [baseline ${againstOption}]`, repo: againstOption, env: {} }] : []),
].map((tree) => ({ ...tree, bin: join(tree.repo, 'apps/server/bin/marketplace.js') }));
for (const tree of trees) {
  if (!existsSync(join(tree.repo, 'apps/server/dist/js/main.js'))) {
    console.error(`server-cold-start measures the built server: run \`npm run build\` in ${tree.repo} first.`);
    process.exit(2);
  }
}

const serverEnv = { NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789', MAIL_ALLOW_UNVERIFIED_SENDERS: 'true', ROOT_KEY_PASSPHRASE: 'a bench root key passphrase' };
const bareFastify = `import Fastify from ${JSON.stringify(pathToFileURL(createRequire(join(repo, 'apps/server/package.json')).resolve('fastify')).href)};
const app = Fastify({ logger: false });
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Spawn, time to the first /readyz 200, wait for it to settle, read its RSS, stop it with SIGTERM. */
/** CPU time (user + system) the process has used so far, from /proc: what a loaded machine does not inflate the way it does wall time. */
async function cpuMsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function coldStart(args: string[], env: Record<string, string>): Promise<{ ms: number; cpuMs: number; rssMb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env, PORT: String(port), SMTP_LISTEN_PORT: String(await freePort()) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
      } catch {}
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr.slice(-500)}`);
      if (performance.now() - started > 240_000) throw new Error("not ready in 240 s");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const ms = performance.now() - started;
    const cpuMs = await cpuMsOf(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    return { ms, cpuMs, rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024 };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: { what: string; 'start p50 ms': string; 'CPU to ready ms': string; 'idle RSS MB': string; 'vs bare Fastify': string; goal: string }[] = [];

const nodeStart: number[] = [];
for (let i = 0; i < runs; i += 1) {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  nodeStart.push(performance.now() - t0);
}
const bare = { ms: [] as number[], cpu: [] as number[], rss: [] as number[] };
for (let i = 0; i < runs; i += 1) {
  const result = await coldStart(['--input-type=module', '-e', bareFastify], {});
  bare.ms.push(result.ms);
  bare.cpu.push(result.cpuMs);
  bare.rss.push(result.rssMb);
}
rows.push({ what: 'node -e ""', 'start p50 ms': median(nodeStart).toFixed(0), 'CPU to ready ms': '', 'idle RSS MB': '', 'vs bare Fastify': '', goal: '' });
rows.push({ what: 'bare Fastify (baseline)', 'start p50 ms': median(bare.ms).toFixed(0), 'CPU to ready ms': median(bare.cpu).toFixed(0), 'idle RSS MB': median(bare.rss).toFixed(0), 'vs bare Fastify': '1.0×', goal: '' });

type Series = { fresh: number[]; existing: number[]; cpu: number[]; rss: number[] };
const series = (): Series => ({ fresh: [], existing: [], cpu: [], rss: [] });

function report(what: string, fresh: number[], existing: number[], cpu: number[], rss: number[], startGoalMs: number, rssGoalMb: number, baselineCpu?: number[]): void {
  const ratio = (value: number, base: number) => `${(value / base).toFixed(1)}×`;
  rows.push({ what: `${what}, fresh data`, 'start p50 ms': median(fresh).toFixed(0), 'CPU to ready ms': '', 'idle RSS MB': '', 'vs bare Fastify': ratio(median(fresh), median(bare.ms)), goal: '' });
  const startMet = median(existing) <= startGoalMs ? 'met' : 'missed';
  const rssMet = median(rss) <= rssGoalMb ? 'met' : 'missed';
  const againstBaseline = baselineCpu ? `; CPU ${(median(cpu) / median(baselineCpu)).toFixed(2)}× the baseline's` : '';
  rows.push({ what: `${what}, existing data`, 'start p50 ms': median(existing).toFixed(0), 'CPU to ready ms': median(cpu).toFixed(0), 'idle RSS MB': median(rss).toFixed(0), 'vs bare Fastify': `${ratio(median(existing), median(bare.ms))} (CPU ${ratio(median(cpu), median(bare.cpu))}) / ${ratio(median(rss), median(bare.rss))}${againstBaseline}`, goal: `≤ ${startGoalMs} ms ${startMet}, ≤ ${rssGoalMb} MB ${rssMet}` });
}

/** A fresh start (migrates) then the measured start on the data it left. */
async function freshThenExisting(bin: string, env: Record<string, string>, into: Series): Promise<void> {
  into.fresh.push((await coldStart([bin, 'serve'], env)).ms);
  const second = await coldStart([bin, 'serve'], env);
  into.existing.push(second.ms);
  into.cpu.push(second.cpuMs);
  into.rss.push(second.rssMb);
}

function reportTrees(what: string, results: Series[], startGoalMs: number, rssGoalMb: number): void {
  for (const [index, tree] of trees.entries()) {
    const result = results[index]!;
    report(`${what}${tree.label}`, result.fresh, result.existing, result.cpu, result.rss, startGoalMs, rssGoalMb, index === 0 && trees.length > 1 ? results[1]!.cpu : undefined);
  }
}

const pglite = trees.map(series);
for (let i = 0; i < runs; i += 1) {
  for (const [index, tree] of trees.entries()) {
    const dir = await mkdtemp(join(tmpdir(), 'mp-bench-'));
    try {
      await freshThenExisting(tree.bin, { ...serverEnv, ...tree.env, DATA_DIR: dir }, pglite[index]!);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
reportTrees('marketplace on PGlite', pglite, 2500, 300);

if (findPostgresBinaries()) {
  const cluster = await startPostgres();
  const postgres = trees.map(series);
  try {
    for (let i = 0; i < runs; i += 1) {
      for (const [index, tree] of trees.entries()) {
        const database = `bench_cold_${i}_${index}`;
        const admin = new pg.Client({ connectionString: cluster.url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${database}`);
        await admin.end();
        const dir = await mkdtemp(join(tmpdir(), 'mp-bench-'));
        try {
          await freshThenExisting(tree.bin, { ...serverEnv, ...tree.env, DATA_DIR: dir, DATABASE_URL: cluster.urlFor(database) }, postgres[index]!);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await cluster.stop();
  }
  reportTrees('marketplace on PostgreSQL', postgres, 1500, 150);
} else {
  console.warn('PostgreSQL binaries not found (scripts/install-system-deps.sh): the PostgreSQL rows are missing.');
}

console.log(`Cold start to /readyz 200 (built server, NODE_ENV=production, ${runs} runs${trees.length > 1 ? ', this tree and the baseline alternated' : ''}; RSS ${settleMs} ms after ready):`);
console.table(rows);
