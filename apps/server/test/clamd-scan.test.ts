import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle } from '@marketplace/release';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from './system-binary.js';
import { scanWithClamd } from '../src/modules/pipeline/clamd-scan.js';
import { freePort } from './free-port.js';

// The EICAR test string, split so this file itself is not a test virus.
const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');
const clamd = requireBinary('clamd', 'clamav-daemon');
let dir: string;
let daemon: ChildProcess | undefined;
let port: number;


const manifest = { manifestVersion: 1, name: 'demo', version: '1.0.0', kind: 'api-service', title: 'Demo', runtime: { name: 'node', version: '>=20' }, start: ['node', 'dist/server.mjs'], port: 8080, health: { path: '/healthz', timeoutSeconds: 30 }, resources: { memoryMb: 128, cpu: 0.5, diskMb: 100 }, permissions: { network: [], mail: false, filesystem: 'data-dir' }, env: [] };

beforeAll(async () => {
  if (!clamd) return;
  dir = await mkdtemp(join(tmpdir(), 'clamd-'));
  await mkdir(join(dir, 'db'));
  // Debian ships clamd without signatures: one custom signature (EICAR's) is enough to prove the wiring.
  await writeFile(join(dir, 'db', 'test.ndb'), `Eicar-Test-Signature:0:*:${Buffer.from(EICAR).toString('hex')}\n`);
  port = await freePort();
  await writeFile(join(dir, 'clamd.conf'), [`Foreground yes`, `DatabaseDirectory ${join(dir, 'db')}`, `TCPSocket ${port}`, `TCPAddr 127.0.0.1`, `PidFile ${join(dir, 'clamd.pid')}`, `User root`, ''].join('\n'));
  daemon = spawn(clamd, ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createServer();
      socket.once('error', () => resolve(true));
      socket.listen(port, '127.0.0.1', () => socket.close(() => resolve(false)));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 60_000);

afterAll(async () => {
  daemon?.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the clamd scan of a bundle (real clamd, custom EICAR signature)', () => {
  it('flags a bundle carrying the EICAR test file and passes a clean one', async () => {
    if (!clamd) return;
    const infected = await createBundle({ files: { 'app.json': JSON.stringify(manifest), 'docs/readme.txt': EICAR } });
    const clean = await createBundle({ files: { 'app.json': JSON.stringify(manifest), 'docs/readme.txt': 'hello' } });
    expect(await scanWithClamd(infected.data, { host: '127.0.0.1', port })).toMatchObject({ name: 'clamav', verdict: 'flagged', detail: expect.stringContaining('Eicar-Test-Signature') });
    expect(await scanWithClamd(clean.data, { host: '127.0.0.1', port })).toMatchObject({ verdict: 'clean' });
  }, 60_000);

  it('throws when clamd is unreachable, so the step retries instead of passing unscanned', async () => {
    const bundle = await createBundle({ files: { 'app.json': JSON.stringify(manifest) } });
    await expect(scanWithClamd(bundle.data, { host: '127.0.0.1', port: await freePort(), timeoutMs: 2000 })).rejects.toThrow();
  }, 30_000);
});
