import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningApp {
  url: string;
  logs: string[];
  stop(): Promise<number | null>;
}

/** Starts `<dir>/dist/server.mjs` on a free loopback port with exactly `env` (tests only). */
export async function runBuiltApp(dir: string, env: Record<string, string>): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, [join(dir, 'dist', 'server.mjs')], {
    cwd: dir,
    env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  let port: number | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    logs.push(line);
    if (line.includes('"msg":"listening"')) {
      port = (JSON.parse(line) as { port: number }).port;
      break;
    }
  }
  if (port === undefined) throw new Error(`the app did not start:\n${logs.join('\n')}`);
  child.stdout!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
