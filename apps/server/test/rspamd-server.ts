import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface RspamdServer {
  url: string;
  close(): Promise<void>;
}


/**
 * A throwaway rspamd (Debian's, `rspamd -f`) with its normal worker on a loopback port: the stock
 * rules, no DNS (lookups fail fast), its state in a temporary directory, and a short public-suffix
 * list so it starts in seconds rather than compiling ten thousand suffixes.
 */
export async function startRspamd(binary: string): Promise<RspamdServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rspamd-'));
  const port = await freePort();
  await writeFile(join(dir, 'tld.dat'), ['com', 'net', 'org', 'pl', 'test', 'example'].join('\n'));
  await writeFile(
    join(dir, 'rspamd.conf'),
    `.include "$CONFDIR/common.conf"
options {
  pidfile = "${dir}/rspamd.pid";
  .include "$CONFDIR/options.inc"
  dbdir = "${dir}";
  hs_cache_dir = "${dir}";
  control_socket = "${dir}/rspamd.sock";
  url_tld = "${dir}/tld.dat";
  dns { nameserver = ["127.0.0.1:1"]; timeout = 0.2s; retransmits = 0; }
}
logging { type = "console"; level = "error"; }
worker "normal" {
  bind_socket = "127.0.0.1:${port}";
  .include "$CONFDIR/worker-normal.inc"
  count = 1;
}
`,
  );
  const child: ChildProcess = spawn(binary, ['-f', '-u', 'root', '-g', 'root', '-c', join(dir, 'rspamd.conf')], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (const started = Date.now(); Date.now() - started < 180_000; await new Promise((r) => setTimeout(r, 250))) {
    if (child.exitCode !== null) break;
    const up = await fetch(`${url}/ping`).then((r) => r.ok, () => false);
    if (up) return { url, close };
  }
  await close();
  throw new Error(`rspamd did not start on ${url}: ${errors}`);
}
