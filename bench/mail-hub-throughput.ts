/**
 * Mail hub throughput: messages per second accepted over SMTP and stored durably (fsync'd Maildir
 * files) through the embedded hub, sent by nodemailer over pooled connections, against the same
 * number of messages written straight into a Maildir by deliverToMaildir in the same run (the
 * floor set by the disk). Counts the files afterwards: nothing may be lost.
 *
 *   node --import tsx bench/mail-hub-throughput.ts
 *   (MAIL_BENCH_MESSAGES=2000, MAIL_BENCH_CONCURRENCY=4, MAIL_BENCH_BODY_BYTES=2048, MAIL_BENCH_FSYNC=0 to see the cost of SMTP alone)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { deliverToMaildir, ensureMaildir } from '@marketplace/mail';
import { startMailHub } from '@marketplace/mail/hub';

const messages = Number(process.env.MAIL_BENCH_MESSAGES ?? 2000);
const concurrency = Number(process.env.MAIL_BENCH_CONCURRENCY ?? 4);
const bodyBytes = Number(process.env.MAIL_BENCH_BODY_BYTES ?? 2048);
const fsync = process.env.MAIL_BENCH_FSYNC !== '0';
const recipient = 'agent@ws1.acme.example';

function message(i: number): Buffer {
  const body = randomBytes(Math.ceil(bodyBytes * 0.75)).toString('base64').replace(/(.{76})/g, '$1\r\n');
  return Buffer.from(
    `From: marketplace@acme.example\r\nTo: ${recipient}\r\nSubject: bench ${i}\r\nMessage-ID: <bench-${i}@acme.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}\r\n`,
  );
}

async function inParallel(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function countFiles(dir: string): Promise<number> {
  return (await readdir(dir)).length;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'mail-bench-'));
  const payloads = Array.from({ length: messages }, (_, i) => message(i));
  try {
    // baseline: the same files written straight into a Maildir, fsync'd, same concurrency
    const direct = join(root, 'direct');
    await ensureMaildir(direct);
    let started = performance.now();
    await inParallel(messages, concurrency, (i) => deliverToMaildir(direct, payloads[i] as Buffer, { fsync }));
    const directSeconds = (performance.now() - started) / 1000;
    const directStored = await countFiles(join(direct, 'new'));

    // through the hub: SMTP over loopback, nodemailer with a pool of `concurrency` connections
    const hub = await startMailHub({ dataDir: join(root, 'hub'), fsync });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: hub.port, secure: false, ignoreTLS: true, pool: true, maxConnections: concurrency, maxMessages: Infinity });
    let failed = 0;
    started = performance.now();
    await inParallel(messages, concurrency, (i) =>
      transport.sendMail({ envelope: { from: 'marketplace@acme.example', to: [recipient] }, raw: payloads[i] as Buffer }).catch(() => {
        failed += 1;
      }),
    );
    const hubSeconds = (performance.now() - started) / 1000;
    transport.close();
    await hub.close();
    const hubStored = await countFiles(join(root, 'hub', 'mail', recipient, 'new'));

    const directRate = directStored / directSeconds;
    const hubRate = hubStored / hubSeconds;
    console.log(`mail hub throughput: ${messages} messages of ~${bodyBytes} bytes, ${concurrency} in flight, fsync ${fsync ? 'on' : 'off'}`);
    console.log(`  direct Maildir writes (baseline): ${directRate.toFixed(0)} msg/s (${directSeconds.toFixed(2)} s), stored ${directStored}/${messages}`);
    console.log(`  through the hub (SMTP + Maildir):  ${hubRate.toFixed(0)} msg/s (${hubSeconds.toFixed(2)} s), stored ${hubStored}/${messages}, send failures ${failed}`);
    console.log(`  ratio hub / direct: ${(hubRate / directRate).toFixed(2)}`);
    const lost = messages - hubStored;
    console.log(`  lost: ${lost}`);
    if (lost !== 0 || failed !== 0 || directStored !== messages) process.exitCode = 1;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
