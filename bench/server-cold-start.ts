/**
 * Cold start: `marketplace serve` → /readyz 200, on a fresh and on an existing data dir, and the idle
 * RSS of the server on PGlite after start-up. Baseline: `node -e ""` spawn in the same run.
 *   node --import tsx bench/server-cold-start.ts [--runs 3]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const bin = join(import.meta.dirname, '../apps/server/bin/marketplace.js');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function coldStart(dataDir: string): Promise<{ ms: number; rssMb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), SMTP_LISTEN_PORT: String(await freePort()), LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (response.status === 200) break;
      } catch {}
      if (performance.now() - started > 60_000) throw new Error('server did not become ready in 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 3000));
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { ms, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const baseline: number[] = [];
for (let i = 0; i < runs; i += 1) {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  baseline.push(performance.now() - t0);
}

const fresh: number[] = [];
const existing: number[] = [];
const rss: number[] = [];
for (let i = 0; i < runs; i += 1) {
  const dir = await mkdtemp(join(tmpdir(), 'mp-bench-'));
  try {
    const first = await coldStart(dir);
    fresh.push(first.ms);
    const second = await coldStart(dir);
    existing.push(second.ms);
    rss.push(second.rssMb);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(`node -e ""                 p50 ${median(baseline).toFixed(0)} ms`);
console.log(`cold start, fresh data     p50 ${median(fresh).toFixed(0)} ms  (${(median(fresh) / median(baseline)).toFixed(1)}× node start)`);
console.log(`cold start, existing data  p50 ${median(existing).toFixed(0)} ms  (${(median(existing) / median(baseline)).toFixed(1)}× node start)`);
console.log(`idle RSS on PGlite         p50 ${median(rss).toFixed(0)} MB  (goal ≤ 250 MB)`);
