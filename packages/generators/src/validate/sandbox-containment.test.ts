import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { networkNamespaceTool, sandboxContainment } from './sandbox.js';

const holder = fileURLToPath(new URL('./test-support/sandbox-holder.ts', import.meta.url));

/** Pids of live (not zombie) processes whose command line is exactly `sleep <seconds>`. */
function sleepers(seconds: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline === `sleep\0${seconds}\0` && state !== 'Z') found.push(Number(entry));
    } catch {}
  }
  return found;
}

async function gone(seconds: number, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = sleepers(seconds);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const missing = process.platform !== 'linux' ? 'not Linux' : sandboxContainment().dieWithParent.length === 0 ? 'setpriv (util-linux) is not installed' : null;
if (missing && process.env.CI === 'true') throw new Error(`sandbox containment needs ${missing} — required under CI=true`);
if (missing) console.warn(`\n!!! SKIPPING sandbox containment checks: ${missing} (run scripts/install-system-deps.sh)\n`);

describe.runIf(!missing)('sandbox processes die with the worker that started them', () => {
  const modes = ['preload', ...(networkNamespaceTool() ? ['netns'] : [])] as const;
  for (const mode of modes) {
    it(`${mode}: kill -9 of the worker leaves none of the sandbox's processes running`, async () => {
      const seconds = 4000 + Math.floor(Math.random() * 50_000);
      const worker = spawn(process.execPath, ['--import', 'tsx', holder, mode, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(worker, 'exit');
      await new Promise<void>((resolve, reject) => {
        worker.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        worker.once('exit', (code) => reject(new Error(`the holder exited early (${code})`)));
      });
      // Both sleeps run: the sandbox's first process's child and its grandchild.
      const deadline = Date.now() + 10_000;
      while (sleepers(seconds).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sleepers(seconds)).toHaveLength(2);
      worker.kill('SIGKILL');
      await exited;
      const left = await gone(seconds, 5_000);
      for (const pid of left) process.kill(pid, 'SIGKILL'); // do not leave them to the next suite
      // Without a PID namespace (not root) only the sandbox's first process is tied to the worker; as root, all of them.
      if (sandboxContainment().pidNamespace) expect(left).toEqual([]);
      else expect(left.length).toBeLessThan(2);
    }, 30_000);
  }
});
