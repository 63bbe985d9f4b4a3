import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const helper = fileURLToPath(new URL('./stop-on-signals.ts', import.meta.url));
/** A server whose stop takes a moment (closing connections, finishing jobs) and says when it is done. */
const child = `
import { stopOnSignals } from ${JSON.stringify(helper)};
const say = (line) => process.stdout.write(line + '\\n');
const logger = { info: (fields, message) => say(message ?? fields), error: (fields, message) => say('error ' + (message ?? fields)) };
stopOnSignals(async () => { say('shutting down'); await new Promise((resolve) => setTimeout(resolve, 1500)); say('stopped'); }, logger);
setInterval(() => {}, 1000);
say('ready');
`;

async function start() {
  const server = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  const seen = async (text: string) => {
    for (let i = 0; i < 1200 && !output.includes(text); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(output, `waited for "${text}"`).toContain(text);
  };
  await seen('ready');
  return { server, seen, output: () => output };
}

describe('stopOnSignals', () => {
  it('finishes a graceful stop when more signals arrive while it stops (a process group killed, npm passing its own on)', async () => {
    const { server, seen, output } = await start();
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await seen('shutting down');
    server.kill('SIGTERM');
    server.kill('SIGINT');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output()).toContain('stopped');
    expect(output().match(/already shutting down/g)).toHaveLength(2);
    expect(output().match(/^shutting down$/gm)).toHaveLength(1);
  }, 60_000);

  it('stops gracefully on SIGINT alone (Ctrl-C)', async () => {
    const { server, output } = await start();
    const exited = once(server, 'exit');
    server.kill('SIGINT');
    expect(await exited).toEqual([0, null]);
    expect(output()).toContain('stopped');
  }, 60_000);
});
