import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A throwaway PostgreSQL cluster on 127.0.0.1, run from Debian's binaries. */
export interface PostgresCluster {
  /** Superuser URL of the `postgres` database. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://…/<database>` on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export const INSTALL_HINT = 'Install it with scripts/install-system-deps.sh (Debian: apt-get install postgresql).';

/** The newest `/usr/lib/postgresql/<version>/bin` holding initdb and postgres, or null. */
export function findPostgresBinaries(root = '/usr/lib/postgresql'): string | null {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) return bin;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** PostgreSQL refuses to run as root: then run its binaries as the `postgres` OS user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function serverUserIds(): { uid: number; gid: number } {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0 || group.status !== 0) throw new Error(`Running as root needs the 'postgres' OS user, which is missing. ${INSTALL_HINT}`);
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) };
}

async function waitUntilReady(url: string, server: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`postgres exited during start-up:\n${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${timeoutMs} ms: ${(error as Error).message}\n${log()}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs initdb and postgres in a fresh temp dir on 127.0.0.1 and a free port; `stop()` removes it all. */
export async function startPostgres(options: { binDir?: string; timeoutMs?: number } = {}): Promise<PostgresCluster> {
  const binDir = options.binDir ?? findPostgresBinaries();
  if (!binDir) throw new Error(`PostgreSQL binaries were not found in /usr/lib/postgresql/*/bin. ${INSTALL_HINT}`);
  const root = mkdtempSync(join(tmpdir(), 'marketplace-pg-'));
  const dataDir = join(root, 'data');
  try {
    if (process.getuid?.() === 0) {
      const { uid, gid } = serverUserIds();
      chownSync(root, uid, gid);
    }
    const [initCommand, initArgs] = asServerUser(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}):\n${init.stderr || init.stdout}`);

    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      const settings = ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', root, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100', '-c', 'shared_buffers=32MB'];
      const [command, args] = asServerUser(join(binDir, 'postgres'), settings);
      const server = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let output = '';
      server.stderr?.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4000);
      });
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      try {
        await waitUntilReady(url, server, () => output, options.timeoutMs ?? 30_000);
      } catch (error) {
        lastError = error;
        server.kill('SIGKILL');
        continue;
      }
      return makeCluster(root, dataDir, port, server);
    }
    throw lastError;
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function makeCluster(root: string, dataDir: string, port: number, server: ChildProcess): PostgresCluster {
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  // If the test process exits before stop() (a worker torn down early), take the cluster with it.
  const onExit = () => {
    try {
      process.kill(postmasterPid(dataDir) ?? server.pid ?? 0, 'SIGQUIT');
    } catch {}
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    url: urlFor('postgres'),
    port,
    dataDir,
    urlFor,
    async stop() {
      process.removeListener('exit', onExit);
      // The postmaster's own pid (runuser may stand between us and it): a fast shutdown.
      const exited = new Promise<void>((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', () => resolve())));
      try {
        process.kill(postmasterPid(dataDir) ?? server.pid ?? 0, 'SIGINT');
      } catch {}
      const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
