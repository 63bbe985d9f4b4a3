import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { swaks as runSwaks, swaksAvailable } from '../testing/swaks.js';
import { startMailHubThread, type MailHubThreadOptions } from './hub-thread.js';
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

  it('reports a port it cannot listen on as a start error, and close() stops the thread', async () => {
    const { hub } = await hubFor();
    const dataDir = await mkdtemp(join(tmpdir(), 'mail-hub-thread-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await expect(startMailHubThread({ dataDir, port: hub.port })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+/);
    await hub.close();
    expect(hub.failure()).toBeNull();
  });
});
