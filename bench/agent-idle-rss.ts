/**
 * Resident memory of an idle `marketplace-agent run` (watching an empty Maildir, enrolled, one
 * app-less home), read from /proc after it settles: the single-file build run with plain `node`, as an
 * employee runs it (needs `npm run build`). Baseline in the same run: a bare `node` process that only
 * keeps a timer; for comparison, the TypeScript sources through tsx (development).
 *
 *   node --import tsx bench/agent-idle-rss.ts        (AGENT_BENCH_SETTLE_MS=4000)
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchAgentHome } from './agent-setup.js';

const settleMs = Number(process.env.AGENT_BENCH_SETTLE_MS ?? 4000);
const BIN = join(import.meta.dirname, '../apps/agent/bin/marketplace-agent.js');
const BUNDLE = join(import.meta.dirname, '../apps/agent/dist/marketplace-agent.mjs');
if (!existsSync(BUNDLE)) {
  console.error('agent-idle-rss measures the built agent: run `npm run build` first.');
  process.exit(2);
}

/** RSS `settleMs` after the process is up: for the agent, after it says it is watching (on a loaded machine start-up alone can take seconds). */
async function rssOf(args: string[], env: NodeJS.ProcessEnv = process.env, ready?: RegExp): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  const up = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      if (ready?.test(stderr)) resolve();
    });
    child.once('exit', () => reject(new Error(`process exited early: ${stderr}`)));
    if (!ready) resolve();
  });
  await up;
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  if (child.exitCode !== null) throw new Error(`process exited early: ${stderr}`);
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function main(): Promise<void> {
  const setup = await benchAgentHome();
  try {
    const bare = await rssOf(['-e', 'setInterval(() => {}, 1000)']);
    const runArgs = ['run', '--home', setup.home, '--maildir', join(setup.root, 'mail')];
    const agent = await rssOf([BUNDLE, ...runArgs], process.env, /watching /);
    const fromSource = await rssOf([BIN, ...runArgs], { ...process.env, MARKETPLACE_FROM_SOURCE: '1' }, /watching /);
    console.log(`idle RSS ${settleMs} ms after start-up (the agent: after it says it is watching):`);
    console.log(`  node marketplace-agent.mjs run   ${agent.toFixed(1)} MB   (goal ≤ 60 MB: ${agent <= 60 ? 'met' : 'missed'}; ${(agent - bare).toFixed(1)} MB over bare node)`);
    console.log(`  bare node (baseline)             ${bare.toFixed(1)} MB   ratio ${(agent / bare).toFixed(2)}×`);
    console.log(`  sources through tsx (dev)        ${fromSource.toFixed(1)} MB`);
  } finally {
    await rm(setup.root, { recursive: true, force: true });
  }
}

await main();
