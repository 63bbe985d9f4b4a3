import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { swaks as runSwaks, swaksAvailable } from '../testing/swaks.js';
import { crashMailHubThreadForTests, startMailHubThread, type MailHubThreadOptions } from './hub-thread.js';
import type { StoredMail } from './mail-hub.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function hubFor(options: Partial<MailHubThreadOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'mail-hub-thread-'));
  const hub = await startMailHubThread({ dataDir, ...options });
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }), () => hub.close());
  return { hub, dataDir };
}

const inbox = (dataDir: string, address: string) => join(dataDir, 'mail', address, 'new');
const files = async (dir: string) => (existsSync(dir) ? readdir(dir) : []);
const itWithSwaks = it.skipIf(!swaksAvailable('the mail hub thread'));
const swaks = (port: number, args: string[]) => runSwaks(port, ['--from', 'dana@acme.example', ...args]);

/** Keeps this thread's event loop busy (as processing mail on the embedded database does) until `done()` or `maxMs`. */
function busyUntil(done: () => boolean, maxMs: number): boolean {
  const end = Date.now() + maxMs;
  while (Date.now() < end) if (done()) return true;
  return false;
}

describe('startMailHubThread', () => {
  itWithSwaks('takes a session and stores the message while the thread that started it is busy; the 250 still waits for record()', async () => {
    const recorded: StoredMail[] = [];
    const { hub, dataDir } = await hubFor({ record: async (stored) => void recorded.push(stored), servedLocally: { withTags: ['marketplace@acme.example'] }, accept: () => false });
    const sent = swaks(hub.port, ['--to', 'marketplace+c1@acme.example', '--header', 'Subject: while busy', '--body', 'taken while the server was busy']);
    // Nothing on this thread runs meanwhile: no accept() (the address is served locally), no record(), no client code.
    const storedWhileBusy = busyUntil(() => existsSync(inbox(dataDir, 'marketplace+c1@acme.example')) && readdirSync(inbox(dataDir, 'marketplace+c1@acme.example')).length === 1, 60_000);
    expect(storedWhileBusy).toBe(true);
    expect(recorded).toEqual([]);
    const result = await sent;
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/<- {2}250 2\.0\.0 stored for 1 recipient/);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ envelopeFrom: 'dana@acme.example', deliveries: [{ recipient: 'marketplace+c1@acme.example' }] });
    expect(recorded[0]!.receivedAt).toBeInstanceOf(Date);
  });

  itWithSwaks('asks accept() in this thread for other recipients: 550 5.1.1 for refused ones', async () => {
    const asked: string[] = [];
    const { hub, dataDir } = await hubFor({ accept: (recipient) => (asked.push(recipient), recipient === 'agent@ws1.acme.example') });
    const refused = await swaks(hub.port, ['--to', 'someone@acme.example']);
    expect(refused.status).toBe(24);
    expect(refused.output).toMatch(/<\*\* 550 5\.1\.1 <someone@acme\.example>: no such mailbox here/);
    const taken = await swaks(hub.port, ['--to', 'Agent@ws1.acme.example']);
    expect(taken.status, taken.output).toBe(0);
    expect(asked).toEqual(['someone@acme.example', 'agent@ws1.acme.example']);
    expect(await files(join(dataDir, 'mail'))).toEqual(['agent@ws1.acme.example']);
  });

  itWithSwaks('keeps a recipient accept() took for acceptedForMs, and refuses it at once after forget() when accept() says no', async () => {
    let served = true;
    const asked: string[] = [];
    const { hub } = await hubFor({ accept: (recipient) => (asked.push(recipient), served), acceptedForMs: 60_000 });
    for (let i = 0; i < 2; i++) expect((await swaks(hub.port, ['--to', 'agent@ws1.acme.example'])).status).toBe(0);
    expect(asked).toEqual(['agent@ws1.acme.example']);
    served = false; // the agent was revoked
    hub.forget('Agent@ws1.acme.example');
    const refused = await swaks(hub.port, ['--to', 'agent@ws1.acme.example']);
    expect(refused.status).toBe(24);
    expect(refused.output).toMatch(/<\*\* 550 5\.1\.1 <agent@ws1\.acme\.example>: no such mailbox here/);
    expect(asked).toEqual(['agent@ws1.acme.example', 'agent@ws1.acme.example']);
  });

  itWithSwaks('answers 451 and keeps no copy when record() fails in this thread, and hands stored mail to onStored()', async () => {
    let fail = true;
    const stored: StoredMail[] = [];
    const { hub, dataDir } = await hubFor({
      record: async () => {
        if (fail) throw new Error('database unavailable');
      },
      onStored: (info) => void stored.push(info),
    });
    const refused = await swaks(hub.port, ['--to', 'dana@acme.example']);
    expect(refused.status).toBe(26);
    expect(refused.output).toMatch(/<\*\* 451 4\.3\.0 Could not record the message; try again later/);
    expect(await files(inbox(dataDir, 'dana@acme.example'))).toEqual([]);
    fail = false;
    const taken = await swaks(hub.port, ['--to', 'dana@acme.example']);
    expect(taken.status, taken.output).toBe(0);
    await expect.poll(() => stored.length).toBe(1);
    expect(existsSync(stored[0]!.deliveries[0]!.path)).toBe(true);
  });

  itWithSwaks('awaits record() only for mail from or to the addresses in recordsOnlyFor; other mail goes to onStored() with its Message-ID read', async () => {
    const recorded: StoredMail[] = [];
    const stored: StoredMail[] = [];
    const { hub } = await hubFor({
      record: async (info) => void recorded.push(info),
      recordsOnlyFor: { addresses: ['marketplace@acme.example'], withTags: ['marketplace@acme.example'] },
      onStored: (info) => void stored.push(info),
    });
    // an outsider to an agent's mailbox: nobody asks for it later, so nothing is recorded before the 250
    const outside = await swaks(hub.port, ['--to', 'agent@ws1.acme.example', '--header', 'Message-Id: <outside.1@acme.example>']);
    expect(outside.status, outside.output).toBe(0);
    await expect.poll(() => stored.length).toBe(1);
    expect(recorded).toEqual([]);
    expect(stored[0]).toMatchObject({ envelopeFrom: 'dana@acme.example', messageId: '<outside.1@acme.example>' });
    expect(stored[0]).not.toHaveProperty('head');
    // the server's own return path (a +tag of its address) to the same mailbox: recorded, then onStored()
    const own = await runSwaks(hub.port, ['--from', 'Marketplace+b42@acme.example', '--to', 'agent@ws1.acme.example', '--header', 'Message-Id: <release.7@acme.example>']);
    expect(own.status, own.output).toBe(0);
    expect(recorded).toEqual([expect.objectContaining({ envelopeFrom: 'Marketplace+b42@acme.example', messageId: '<release.7@acme.example>' })]);
    // mail to the service address itself is recorded whoever sends it
    expect((await swaks(hub.port, ['--to', 'marketplace@acme.example'])).status).toBe(0);
    expect(recorded.map((info) => info.deliveries[0]!.recipient)).toEqual(['agent@ws1.acme.example', 'marketplace@acme.example']);
    await expect.poll(() => stored.length).toBe(3);
  });

  itWithSwaks('with onStoredFor recorded, tells onStored() only of recorded mail: the rest stays in the thread', async () => {
    const stored: StoredMail[] = [];
    const { hub, dataDir } = await hubFor({
      record: async () => undefined,
      recordsOnlyFor: { addresses: ['marketplace@acme.example'] },
      onStored: (info) => void stored.push(info),
      onStoredFor: 'recorded',
    });
    expect((await swaks(hub.port, ['--to', 'agent@ws1.acme.example'])).status).toBe(0);
    expect((await swaks(hub.port, ['--to', 'marketplace@acme.example'])).status).toBe(0);
    await expect.poll(() => stored.length).toBe(1);
    expect(stored[0]!.deliveries[0]!.recipient).toBe('marketplace@acme.example');
    // the agent's copy is stored all the same
    expect(await files(inbox(dataDir, 'agent@ws1.acme.example'))).toHaveLength(1);
  });

  it('starts a thread that died again on the same port: mail sent with an SMTP client after the restart is recorded and stored', async () => {
    const recorded: StoredMail[] = [];
    const logged: { fields: Record<string, unknown>; message?: string }[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (fields: Record<string, unknown>, message?: string) => void logged.push({ fields, message }), error: (fields: Record<string, unknown>, message?: string) => void logged.push({ fields, message }) };
    const { hub, dataDir } = await hubFor({ record: async (stored) => void recorded.push(stored), logger, restart: { firstDelayMs: 200 } });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: hub.port, secure: false, ignoreTLS: true, pool: false });
    const send = (subject: string) => transport.sendMail({ from: 'dana@acme.example', to: 'ops@acme.example', subject, text: `${subject}\r\n` });
    await send('before the crash');
    expect(recorded).toHaveLength(1);

    crashMailHubThreadForTests(hub, 'a bug in a session');
    await expect.poll(() => hub.failure()?.message).toBe('the mail hub thread failed: a bug in a session');
    await expect.poll(() => hub.failure(), { timeout: 20_000 }).toBeNull();
    expect(hub.restarts()).toBe(1);

    const info = await send('after the restart');
    expect(info.response).toMatch(/^250 2\.0\.0 stored for 1 recipient/);
    expect(recorded.map((stored) => stored.size > 0 && stored.deliveries[0]!.recipient)).toEqual(['ops@acme.example', 'ops@acme.example']);
    const copies = await files(inbox(dataDir, 'ops@acme.example'));
    expect(copies).toHaveLength(2);
    const subjects = copies.map((name) => /^Subject: (.*)$/m.exec(readFileSync(join(inbox(dataDir, 'ops@acme.example'), name), 'utf8'))?.[1]).sort();
    expect(subjects).toEqual(['after the restart', 'before the crash']);
    expect(logged.map((line) => line.message)).toEqual([
      expect.stringMatching(/^the mail hub thread failed: a bug in a session; no mail is taken until it runs again: starting it again in 200 ms \(try 1\)$/),
      'the mail hub thread runs again after try 1; it takes mail',
    ]);
    expect(logged[0]!.fields).toMatchObject({ reason: 'the mail hub thread failed: a bug in a session', attempt: 1, restartInMs: 200 });
  });

  it('waits longer after each try that fails (the port taken meanwhile), and close() during the wait starts no thread', async () => {
    const logged: Record<string, unknown>[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (fields: Record<string, unknown>) => void logged.push(fields) };
    const { hub } = await hubFor({ logger, restart: { firstDelayMs: 500, maxDelayMs: 2_000 } });
    crashMailHubThreadForTests(hub);
    await expect.poll(() => hub.failure()).not.toBeNull();
    // another process takes the port while the thread is down (it waits 500 ms before its first try)
    const squatter = createServer();
    await new Promise<void>((resolve, reject) => squatter.once('error', reject).listen(hub.port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    await expect.poll(() => logged.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    expect(logged.slice(0, 4).map((fields) => [fields.attempt, fields.restartInMs])).toEqual([
      [1, 500],
      [2, 1_000],
      [3, 2_000],
      [4, 2_000],
    ]);
    expect(logged[1]!.reason).toMatch(/^the mail hub thread could not start again: The mail hub cannot listen on 127\.0\.0\.1:\d+/);
    expect(hub.failure()).not.toBeNull();
    expect(hub.restarts()).toBe(3);
    // close() while it waits to try a 4th time: no thread is started any more
    await hub.close();
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // longer than the wait close() cut short
    expect(hub.restarts()).toBe(3);
    expect(logged).toHaveLength(4);
  });

  it('waits longer when a restarted thread dies again soon, and from the first wait again once one ran healthyAfterMs', async () => {
    const logged: Record<string, unknown>[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (fields: Record<string, unknown>) => void logged.push(fields) };
    const { hub } = await hubFor({ logger, restart: { firstDelayMs: 100, healthyAfterMs: 2_000 } });
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // the first thread ran long enough
    const crashWhenUp = async (restarts: number) => {
      await expect.poll(() => hub.restarts() === restarts && hub.failure() === null, { timeout: 20_000 }).toBe(true);
      crashMailHubThreadForTests(hub);
      await expect.poll(() => hub.failure()).not.toBeNull();
    };
    await crashWhenUp(0);
    await crashWhenUp(1); // at once after its restart: it did not run healthyAfterMs
    await expect.poll(() => hub.restarts() === 2 && hub.failure() === null, { timeout: 20_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await crashWhenUp(2);
    expect(logged.map((fields) => [fields.attempt, fields.restartInMs])).toEqual([
      [1, 100],
      [2, 200],
      [1, 100],
    ]);
  });

  itWithSwaks('a record answered after its thread died is not taken by the next thread; the recorded copy is still handed to onStored()', async () => {
    const pending: { stored: StoredMail; release: () => void }[] = [];
    const handed: StoredMail[] = [];
    const { hub } = await hubFor({
      record: (stored) => new Promise<void>((resolve) => pending.push({ stored, release: resolve })),
      onStored: (stored) => void handed.push(stored),
      restart: { firstDelayMs: 100 },
    });
    // A: its record is being written when the thread dies; its client gets no 250 (and would send it again)
    const first = swaks(hub.port, ['--to', 'ops@acme.example', '--header', 'Subject: first']);
    await expect.poll(() => pending.length, { timeout: 20_000 }).toBe(1);
    crashMailHubThreadForTests(hub);
    expect((await first).output).not.toMatch(/<- {2}250 2\.0\.0/);
    await expect.poll(() => hub.restarts() === 1 && hub.failure() === null, { timeout: 20_000 }).toBe(true);
    // B, in the new thread: its record is asked under the same number A's was in the old thread
    const second = swaks(hub.port, ['--to', 'ops@acme.example', '--header', 'Subject: second']);
    await expect.poll(() => pending.length, { timeout: 20_000 }).toBe(2);
    pending[0]!.release();
    await expect.poll(() => handed.length).toBe(1);
    expect(handed[0]!.deliveries[0]!.path).toBe(pending[0]!.stored.deliveries[0]!.path);
    expect(existsSync(handed[0]!.deliveries[0]!.path)).toBe(true); // recorded, and the copy the record names is there
    await new Promise((resolve) => setTimeout(resolve, 500));
    let answered = false;
    void second.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false); // B's 250 waits for B's own record
    pending[1]!.release();
    const result = await second;
    expect(result.output).toMatch(/<- {2}250 2\.0\.0 stored for 1 recipient/);
    await expect.poll(() => handed.length).toBe(2);
  });

  itWithSwaks('forgets kept recipients in the thread that runs after a restart too', async () => {
    let served = true;
    const { hub } = await hubFor({ accept: () => served, acceptedForMs: 60_000, restart: { firstDelayMs: 100 } });
    crashMailHubThreadForTests(hub);
    await expect.poll(() => hub.failure()).not.toBeNull();
    await expect.poll(() => hub.failure(), { timeout: 20_000 }).toBeNull();
    expect((await swaks(hub.port, ['--to', 'agent@ws1.acme.example'])).status).toBe(0); // kept by the new thread
    served = false;
    hub.forget('agent@ws1.acme.example');
    const refused = await swaks(hub.port, ['--to', 'agent@ws1.acme.example']);
    expect(refused.output).toMatch(/<\*\* 550 5\.1\.1 <agent@ws1\.acme\.example>: no such mailbox here/);
  });

  it('reports a port it cannot listen on as a start error, and close() stops the thread', async () => {
    const { hub } = await hubFor();
    const dataDir = await mkdtemp(join(tmpdir(), 'mail-hub-thread-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await expect(startMailHubThread({ dataDir, port: hub.port })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+/);
    await hub.close();
    expect(hub.failure()).toBeNull();
  });
});
