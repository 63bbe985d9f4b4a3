/**
 * Resident memory of an idle `marketplace-agent run` (watching an empty Maildir, enrolled, one
 * app-less home), read from /proc after it settles; baseline in the same run: a bare `node` process
 * that only keeps a timer, and `node` with the tsx loader the bin uses.
 *
 *   node --import tsx bench/agent-idle-rss.ts        (AGENT_BENCH_SETTLE_MS=4000)
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { benchAgentHome } from './agent-setup.js';

const settleMs = Number(process.env.AGENT_BENCH_SETTLE_MS ?? 4000);
const BIN = join(import.meta.dirname, '../apps/agent/bin/marketplace-agent.js');

async function rssOf(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
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
    const tsx = await rssOf(['--import', 'tsx', '-e', 'setInterval(() => {}, 1000)']);
    const agent = await rssOf([BIN, 'run', '--home', setup.home, '--maildir', join(setup.root, 'mail')]);
    console.log(`idle RSS after ${settleMs} ms:`);
    console.log(`  marketplace-agent run   ${agent.toFixed(1)} MB   (goal ≤ 70 MB: ${agent <= 70 ? 'met' : 'missed'})`);
    console.log(`  bare node               ${bare.toFixed(1)} MB   ratio ${(agent / bare).toFixed(2)}×`);
    console.log(`  node + tsx loader       ${tsx.toFixed(1)} MB   (the bin runs the sources through tsx; agent − loader = ${(agent - tsx).toFixed(1)} MB)`);
  } finally {
    await rm(setup.root, { recursive: true, force: true });
  }
}

await main();
