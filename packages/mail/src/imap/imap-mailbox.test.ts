import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSED_FOLDER, REJECTED_FOLDER } from '../mailbox.js';
import { parseReleaseEmail } from '../parse-release-email.js';
import { buildReleaseEmail } from '../release-email.js';
import { sampleRelease } from '../testing/sample-release.js';
import { findDovecot, INSTALL_HINT, startDovecot, type TestDovecot } from '../testing/start-dovecot.js';
import { openImapMailbox, type ImapMailbox } from './imap-mailbox.js';

const hasDovecot = findDovecot() !== null;
if (!hasDovecot) {
  if (process.env.CI === 'true') throw new Error(`The IMAP mailbox tests need Dovecot and CI=true: ${INSTALL_HINT}.`);
  console.warn(`\n*** SKIPPING the IMAP mailbox tests: dovecot is not installed; ${INSTALL_HINT}. ***\n`);
}

const releaseMail = (n: number) =>
  buildReleaseEmail({ from: 'marketplace@acme.example', to: 'agent@acme.example', org: 'acme', messageId: `<release-${n}@acme.example>`, release: sampleRelease() });
const unrelatedMail = (subject: string) =>
  new MailComposer({ from: 'dana@acme.example', to: 'agent@acme.example', subject, text: 'lunch at noon?', messageId: `<${subject.replace(/\W/g, '')}@acme.example>` }).compile().build();

const opened: ImapMailbox[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()?.close();
});

async function open(dovecot: TestDovecot, user: string, extra: Partial<Parameters<typeof openImapMailbox>[0]> = {}): Promise<ImapMailbox> {
  const box = await openImapMailbox({ host: dovecot.host, port: dovecot.port, user, pass: 'secret', idleDelayMs: 200, ...extra });
  opened.push(box);
  return box;
}

/** Flags of every message in a folder, read by a separate client (EXAMINE: read-only, changes nothing). */
async function flagsIn(dovecot: TestDovecot, user: string, folder: string): Promise<{ subject: string; flags: string[] }[]> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: 'secret' }, logger: false });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    if (!client.mailbox || client.mailbox.exists === 0) return [];
    const messages = await client.fetchAll('1:*', { envelope: true, flags: true });
    return messages.map((message) => ({ subject: message.envelope?.subject ?? '', flags: [...(message.flags ?? [])] }));
  } finally {
    await client.logout();
  }
}

describe.skipIf(!hasDovecot)('openImapMailbox against a real Dovecot', () => {
  let dovecot: TestDovecot;
  beforeAll(async () => {
    dovecot = await startDovecot({ users: ['agent1', 'agent2', 'agent3'].map((user) => ({ user, pass: 'secret' })) });
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('lists, reads and moves our mail into created folders, and leaves mail that is not ours untouched and unseen', async () => {
    await dovecot.append('agent1', await unrelatedMail('Lunch on Friday'));
    await dovecot.append('agent1', await releaseMail(1));
    await dovecot.deliver('agent1', await unrelatedMail('Quarterly numbers'));
    const box = await open(dovecot, 'agent1');
    const refs = await box.list();
    expect(refs).toHaveLength(3);

    for (const ref of refs) {
      const headersOnly = await box.readHeaders(ref);
      if (!headersOnly.toString().includes('X-Marketplace-Release')) continue;
      const parsed = await parseReleaseEmail(await box.read(ref));
      expect(parsed).toMatchObject({ kind: 'release', headers: { release: 'room-booking@1.2.0' } });
      await box.move(ref, PROCESSED_FOLDER);
    }

    expect(await box.list()).toHaveLength(2);
    expect(await flagsIn(dovecot, 'agent1', 'INBOX')).toEqual([
      { subject: 'Lunch on Friday', flags: [] },
      { subject: 'Quarterly numbers', flags: [] },
    ]);
    expect((await flagsIn(dovecot, 'agent1', 'Marketplace.Processed')).map((m) => m.subject)).toEqual(['Room Booking 1.2.0 is ready to install (acme)']);
    // Both folders exist, created on open, laid out on disk as Maildir++ (what openMaildir reads too)
    const onDisk = await readdir(dovecot.maildir('agent1'));
    expect(onDisk).toEqual(expect.arrayContaining(['.Marketplace.Processed', '.Marketplace.Rejected']));
    const processed = join(dovecot.maildir('agent1'), '.Marketplace.Processed');
    expect([...(await readdir(join(processed, 'new'))), ...(await readdir(join(processed, 'cur')))]).toHaveLength(1);
  });

  it('moves to any folder name given, creating it, and refuses names that are not folder names', async () => {
    await dovecot.append('agent3', await releaseMail(3));
    const box = await open(dovecot, 'agent3');
    const [ref] = await box.list();
    await expect(box.move(ref!, '../../etc')).rejects.toMatchObject({ code: 'INVALID_FOLDER' });
    await box.move(ref!, 'Marketplace/Quarantine');
    expect(await flagsIn(dovecot, 'agent3', 'Marketplace.Quarantine')).toHaveLength(1);
    await expect(box.read(ref!)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    await expect(box.move(ref!, REJECTED_FOLDER)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });

  it('hears about new mail through IDLE without being asked to list', async () => {
    const box = await open(dovecot, 'agent2');
    expect(await box.list()).toEqual([]);
    let changes = 0;
    box.watch(() => (changes += 1));
    await new Promise((resolve) => setTimeout(resolve, 600)); // past idleDelayMs: the connection is in IDLE
    await dovecot.deliver('agent2', await releaseMail(2));
    await expect.poll(() => changes, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
    expect(await box.list()).toHaveLength(1);
  });

  it('refuses a wrong password with a message naming the settings to check', async () => {
    await expect(openImapMailbox({ host: dovecot.host, port: dovecot.port, user: 'agent1', pass: 'wrong' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining('check IMAP_USER and IMAP_PASS'),
    });
  });
});

describe.skipIf(!hasDovecot)('openImapMailbox when Dovecot dies', () => {
  let dovecot: TestDovecot;
  beforeAll(async () => {
    dovecot = await startDovecot({ users: [{ user: 'agent', pass: 'secret' }] });
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('reconnects with backoff after kill -9 and a restart, and sees the mail delivered in between', async () => {
    await dovecot.append('agent', await unrelatedMail('Before the crash'));
    const box = await open(dovecot, 'agent', { backoff: { baseMs: 100, maxMs: 800 }, operationTimeoutMs: 500 });
    expect(await box.list()).toHaveLength(1);
    let changes = 0;
    box.watch(() => (changes += 1));

    await dovecot.kill();
    await expect.poll(() => box.state(), { timeout: 5000 }).toBe('reconnecting');
    await expect(box.list()).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE', retryable: true });
    await dovecot.deliver('agent', await releaseMail(9)); // arrives while the server is down
    changes = 0;

    await dovecot.start();
    await expect.poll(() => box.state(), { timeout: 10_000 }).toBe('connected');
    await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(0);
    const refs = await box.list();
    expect(refs).toHaveLength(2);
    const subjects = await Promise.all(refs.map(async (ref) => /Subject: (.*)/.exec((await box.readHeaders(ref)).toString())?.[1]?.trim()));
    expect(subjects).toEqual(['Before the crash', 'Room Booking 1.2.0 is ready to install (acme)']);
  });
});
