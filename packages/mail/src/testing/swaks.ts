import { spawn, spawnSync } from 'node:child_process';

/** Whether swaks (an SMTP client the project did not write) is installed; under CI=true its absence is an error. */
export function swaksAvailable(suite: string): boolean {
  if (spawnSync('sh', ['-c', 'command -v swaks']).status === 0) return true;
  if (process.env.CI === 'true') throw new Error(`${suite} needs swaks and CI=true: install it with scripts/install-system-deps.sh (Debian package swaks).`);
  console.warn(`\n*** SKIPPING ${suite} tests that use swaks: it is not installed; install it with scripts/install-system-deps.sh. ***\n`);
  return false;
}

/** Runs swaks against 127.0.0.1:`port` as a separate process (asynchronously: the hub may answer from this process). */
export function swaks(port: number, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('swaks', ['--server', '127.0.0.1', '--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}
