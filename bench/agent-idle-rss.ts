/**
 * Resident memory of an idle `marketplace-agent run` (watching an empty Maildir, enrolled, one
 * app-less home), read from /proc after it settles: the single-file build run with plain `node`, as an
 * employee runs it (needs `npm run build`). Baseline in the same run: a bare `node` process that only
 * keeps a timer; for comparison, the TypeScript sources through tsx (development).
 *
 * To compare two builds, keep the earlier one elsewhere and name it: the two are then started in turns,
 * AGENT_BENCH_ROUNDS times each (so load changes on a busy machine hit both alike), and each figure is printed.
 *
 *   node --import tsx bench/agent-idle-rss.ts        (AGENT_BENCH_SETTLE_MS=4000)
 *   node --import tsx scripts/build.ts agent --agent-out apps/agent/dist/baseline/marketplace-agent.mjs   (before the change)
 *   AGENT_BASELINE=apps/agent/dist/baseline/marketplace-agent.mjs node --import tsx bench/agent-idle-rss.ts   (AGENT_BENCH_ROUNDS=3)
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchAgentHome } from './agent-setup.js';

const settleMs = Number(process.env.AGENT_BENCH_SETTLE_MS ?? 4000);
const BIN = join(import.meta.dirname, '../apps/agent/bin/marketplace-agent.js');
const BUNDLE = join(import.meta.dirname, '../apps/agent/dist/marketplace-agent.mjs');
if (!existsSync(BUNDLE)) {
  console.error('agent-idle-rss measures the built agent: run `npm run build` first.');
  process.exit(2);
}
const BASELINE = process.env.AGENT_BASELINE ? resolve(process.env.AGENT_BASELINE) : undefined;
if (BASELINE && !existsSync(BASELINE)) {
  console.error(`AGENT_BASELINE names ${BASELINE}, which is not there: build the earlier agent there first (scripts/build.ts agent --agent-out <file>).`);
  process.exit(2);
}
const rounds = Number(process.env.AGENT_BENCH_ROUNDS ?? 3);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
  console.error(`AGENT_BENCH_ROUNDS must be a whole number from 1 to 20: got '${process.env.AGENT_BENCH_ROUNDS}'`);
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const figures = (values: number[]) => values.map((value) => value.toFixed(1)).join(' / ');

/** The baseline build and this one started in turns, `rounds` times each. */
async function compareWithBaseline(baseline: string, agentRss: (bundle: string) => Promise<number>): Promise<void> {
  const before: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    before.push(await agentRss(baseline));
    after.push(await agentRss(BUNDLE));
  }
  console.log(`idle RSS of two builds started in turns (${rounds} each, ${settleMs} ms after "watching"):`);
  console.log(`  baseline  ${figures(before)} MB   (median ${median(before).toFixed(1)})   ${baseline}`);
  console.log(`  this      ${figures(after)} MB   (median ${median(after).toFixed(1)})   ratio ${(median(after) / median(before)).toFixed(3)}×`);
}

async function main(): Promise<void> {
  const setup = await benchAgentHome();
  try {
    const bare = await rssOf(['-e', 'setInterval(() => {}, 1000)']);
    const runArgs = ['run', '--home', setup.home, '--maildir', join(setup.root, 'mail')];
    const agentRss = (bundle: string) => rssOf([bundle, ...runArgs], process.env, /watching /);
    if (BASELINE) await compareWithBaseline(BASELINE, agentRss);
    const agent = await agentRss(BUNDLE);
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
