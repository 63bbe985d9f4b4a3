import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { readHubEnvelope } from './hub-envelope.js';
import { startMailHub, type StoredMail } from './mail-hub.js';

const here = dirname(fileURLToPath(import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A message of about `bytes` bytes: headers, then base64-looking lines (what a large attachment is on the wire). */
async function writeLargeMessage(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('From: dana@acme.example\r\nTo: lee@acme.example\r\nSubject: big\r\nMessage-ID: <big@acme.example>\r\n\r\n');
  const line = `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw'.repeat(2).slice(0, 76)}\r\n`;
  const block = line.repeat(1024);
  for (let written = 0; written < bytes; written += block.length) {
    if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

const rssOf = async (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

describe('the mail hub streams mail to disk', () => {
  it('takes 8 concurrent 38 MB messages with less than 100 MB of RSS growth', async () => {
    const dataDir = await tempDir('mail-hub-rss-');
    const messagePath = join(await tempDir('mail-hub-big-'), 'big.eml');
    await writeLargeMessage(messagePath, 38 * 1024 * 1024);
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'testing', 'run-mail-hub.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { port: number }).port);
      });
      child.once('exit', (code) => reject(new Error(`hub process exited early (${code})`)));
    });
    const baseline = await rssOf(child.pid!);
    let peak = baseline;
    const sampler = setInterval(() => void rssOf(child.pid!).then((rss) => (peak = Math.max(peak, rss)), () => {}), 25);
    try {
      const sent = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, socketTimeout: 120_000 });
          try {
            return await transport.sendMail({ envelope: { from: 'dana@acme.example', to: [`big${i}@acme.example`] }, raw: createReadStream(messagePath) });
          } finally {
            transport.close();
          }
        }),
      );
      expect(sent.every((info) => info.accepted.length === 1)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    for (let i = 0; i < 8; i++) expect(await readdir(join(dataDir, 'mail', `big${i}@acme.example`, 'new'))).toHaveLength(1);
    expect(peak - baseline).toBeLessThan(100 * 1024 * 1024);
  }, 180_000);

  it('keeps the envelope (sender, recipient, client, time) in each stored copy, and removes stale tmp/ files', async () => {
    const dataDir = await tempDir('mail-hub-env-');
    const staleDir = join(dataDir, 'mail', 'old@acme.example', 'tmp');
    await mkdir(staleDir, { recursive: true });
    await writeFile(join(staleDir, 'left-by-a-crash'), 'half a message');
    const hourAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(join(staleDir, 'left-by-a-crash'), hourAgo, hourAgo);
    await writeFile(join(staleDir, 'still-arriving'), 'fresh');
    const stored: StoredMail[] = [];
    const hub = await startMailHub({ dataDir, onStored: (info) => void stored.push(info) });
    cleanups.push(() => hub.close());
    expect(await readdir(staleDir)).toEqual(['still-arriving']);
    const before = Date.now();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: hub.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ envelope: { from: 'Bounce-Dana@acme.example', to: ['lee@acme.example'] }, raw: 'From: someone-else@acme.example\r\nReturn-Path: <forged@evil.example>\r\nSubject: hi\r\n\r\nhello\r\n' });
    transport.close();
    const dir = join(dataDir, 'mail', 'lee@acme.example', 'new');
    const [name] = await readdir(dir);
    const envelope = await readHubEnvelope(join(dir, name!));
    expect(envelope).toMatchObject({ from: 'bounce-dana@acme.example', recipient: 'lee@acme.example', clientAddress: '127.0.0.1' });
    expect(envelope!.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(envelope!.receivedAt.getTime()).toBeLessThanOrEqual(Date.now());
    await expect.poll(() => stored.length).toBe(1);
    expect(stored[0]).toMatchObject({ envelopeFrom: 'Bounce-Dana@acme.example', clientAddress: '127.0.0.1' });
  });
});
