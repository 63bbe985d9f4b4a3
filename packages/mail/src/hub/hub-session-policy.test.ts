import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { swaks, swaksAvailable } from '../testing/swaks.js';
import { startMailHub, type MailHubOptions } from './mail-hub.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function hubFor(options: Partial<MailHubOptions> = {}) {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mail-hub-policy-')));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const hub = await startMailHub({ ...options, dataDir });
  cleanups.push(() => hub.close());
  return { hub, dataDir };
}

const itWithSwaks = it.skipIf(!swaksAvailable('the mail hub session policy'));
const send = (port: number, from: string, to: string, extra: string[] = []) => swaks(port, ['--from', from, '--to', to, ...extra]);
const reply = (output: string) => /<\*\* (\d{3} .*)/.exec(output)?.[1] ?? '';

/** Connects, optionally speaks at once, and returns the first line the server sends and how long it took. */
function firstLine(port: number, speakFirst: boolean): Promise<{ line: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => {
      if (speakFirst) socket.write('EHLO early.example\r\n');
    });
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes('\r\n')) return;
      socket.destroy();
      resolve({ line: text.split('\r\n')[0] ?? '', ms: performance.now() - started });
    });
    socket.once('error', reject);
  });
}

describe('mail hub session policy', () => {
  itWithSwaks('answers 550 5.1.1 for an address the hub does not serve, and no Maildir appears for it', async () => {
    const served = new Set(['agent-1@agents.example']);
    const { hub, dataDir } = await hubFor({ accept: (rcpt) => served.has(rcpt) });
    const made = await send(hub.port, 'dana@acme.example', 'made-up@agents.example');
    expect(made.status).toBe(24);
    expect(reply(made.output)).toMatch(/^550 5\.1\.1 <made-up@agents\.example>: no such mailbox here/);
    expect(await readdir(dataDir)).toEqual([]);
    const real = await send(hub.port, 'dana@acme.example', 'Agent-1@agents.example');
    expect(real.status, real.output).toBe(0);
    expect(await readdir(join(dataDir, 'mail'))).toEqual(['agent-1@agents.example']);
  });

  itWithSwaks('closes a client over its connection rate with 421 and a retry hint', async () => {
    const { hub } = await hubFor({ limits: { connectionsPerMinutePerClient: 2 } });
    for (let i = 0; i < 2; i++) expect((await send(hub.port, 'dana@acme.example', 'lee@acme.example')).status).toBe(0);
    const third = await send(hub.port, 'dana@acme.example', 'lee@acme.example');
    expect(third.status).toBe(21); // swaks: refused at the greeting
    expect(third.output).toMatch(/421 4\.7\.0 Too many connections from 127\.0\.0\.1; try again in (2\d|30) seconds/);
  });

  itWithSwaks('closes a client over its message rate with 421 at MAIL FROM', async () => {
    const { hub } = await hubFor({ limits: { messagesPerMinutePerClient: 1 } });
    expect((await send(hub.port, 'dana@acme.example', 'lee@acme.example')).status).toBe(0);
    const second = await send(hub.port, 'kim@acme.example', 'lee@acme.example');
    expect(second.status).toBe(23); // swaks: MAIL FROM refused
    expect(reply(second.output)).toMatch(/^421 4\.7\.0 Too many messages from 127\.0\.0\.1; try again in (5\d|60) seconds/); // one a minute, less the seconds swaks took
  });

  itWithSwaks('answers 451 with a retry hint to a sender over its rate, and still takes mail from other senders', async () => {
    const { hub, dataDir } = await hubFor({ limits: { messagesPerMinutePerSender: 2 } });
    for (let i = 0; i < 2; i++) expect((await send(hub.port, 'Flood@Acme.example', 'lee@acme.example')).status).toBe(0);
    const over = await send(hub.port, 'flood@acme.example', 'lee@acme.example');
    expect(over.status).toBe(23);
    expect(reply(over.output)).toMatch(/^451 4\.7\.1 Too many messages from this sender; try again in (2\d|30) seconds/);
    expect((await send(hub.port, 'dana@acme.example', 'lee@acme.example')).status).toBe(0);
    expect(await readdir(join(dataDir, 'mail', 'lee@acme.example', 'new'))).toHaveLength(3);
  });

  itWithSwaks('answers 552 5.2.2 for a mailbox whose folders already hold its quota', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mail-hub-quota-'));
    // an agent's processed mail counts too (its own folder)
    await mkdir(join(dataDir, 'mail', 'lee@acme.example', '.Marketplace.Processed', 'cur'), { recursive: true });
    await writeFile(join(dataDir, 'mail', 'lee@acme.example', '.Marketplace.Processed', 'cur', '1.M1P1Q1.host,S=6000:2,S'), 'x'.repeat(6000));
    const { hub } = await hubFor({ dataDir, limits: { mailboxQuotaBytes: 5000 } });
    const full = await send(hub.port, 'dana@acme.example', 'lee@acme.example');
    expect(full.status).toBe(24);
    expect(reply(full.output)).toMatch(/^552 5\.2\.2 <lee@acme\.example>: mailbox full \(6000 of 5000 bytes used\)/);
    expect((await send(hub.port, 'dana@acme.example', 'kim@acme.example')).status).toBe(0);
  });

  it('greets at once with no greeting delay, and still refuses a client that speaks before the greeting', async () => {
    const quick = await hubFor({ greetingDelayMs: 0 });
    const greeted = await firstLine(quick.hub.port, false);
    expect(greeted.line).toMatch(/^220 /);
    expect(greeted.ms).toBeLessThan(90);
    const patient = await hubFor({ greetingDelayMs: 400 });
    const slow = await firstLine(patient.hub.port, false);
    expect(slow.line).toMatch(/^220 /);
    expect(slow.ms).toBeGreaterThanOrEqual(390);
    expect((await firstLine(patient.hub.port, true)).line).toMatch(/^421 .*You talk too soon/);
  });

  it('refuses a greeting delay or a limit that is not a whole number', async () => {
    await expect(hubFor({ greetingDelayMs: -1 })).rejects.toThrow(/greetingDelayMs must be a whole number of milliseconds from 0 to 60000: got -1/);
    await expect(hubFor({ limits: { mailboxQuotaBytes: 1.5 } })).rejects.toThrow(/limits\.mailboxQuotaBytes must be a whole number/);
  });
});
