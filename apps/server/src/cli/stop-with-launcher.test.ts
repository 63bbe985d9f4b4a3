import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const helper = fileURLToPath(new URL('./stop-with-launcher.ts', import.meta.url));
const child = `
import { stopWithLauncher } from ${JSON.stringify(helper)};
process.on('SIGTERM', () => { process.stdout.write('stopped on SIGTERM\\n'); process.exit(0); });
stopWithLauncher({ everyMs: 50 });
process.stdout.write('pid ' + process.pid + '\\n');
setInterval(() => {}, 1000);
`;

/** `npm → sh -c → node`: a shell that waits for node (does not exec it), as npm's script shell does. */
async function launch(env: NodeJS.ProcessEnv) {
  const shell = spawn('sh', ['-c', `"${process.execPath}" --import tsx --input-type=module -e "$CHILD"; true`], { env: { ...env, CHILD: child }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  shell.stdout.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 400 && !/pid (\d+)/.test(output); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  const pid = Number(/pid (\d+)/.exec(output)?.[1]);
  expect(pid, `the child did not start: ${output}`).toBeGreaterThan(0);
  return { shell, pid, output: () => output };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe('stopWithLauncher', () => {
  it('stops a server started by npm when SIGTERM reaches only the launcher shell', async () => {
    const { shell, pid, output } = await launch({ ...process.env, npm_command: 'start' });
    shell.kill('SIGTERM');
    expect(await waitUntil(() => !alive(pid), 10_000)).toBe(true);
    expect(output()).toContain('stopped on SIGTERM');
  });

  it('leaves a server started without npm running when its shell goes away', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
    const { shell, pid } = await launch(env);
    shell.kill('SIGTERM');
    await once(shell, 'exit');
    try {
      expect(await waitUntil(() => !alive(pid), 500)).toBe(false);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
});
