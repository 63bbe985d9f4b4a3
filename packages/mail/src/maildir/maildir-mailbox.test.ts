import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MailError } from '../mail-error.js';
import { PROCESSED_FOLDER, REJECTED_FOLDER, type Mailbox } from '../mailbox.js';
import { deliverToMaildir } from './maildir-delivery.js';
import { openMaildir } from './maildir-mailbox.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function maildir(options: Parameters<typeof openMaildir>[1] = {}): Promise<{ dir: string; box: Mailbox }> {
  const dir = await mkdtemp(join(tmpdir(), 'maildir-'));
  const box = await openMaildir(dir, options);
  cleanups.push(() => rm(dir, { recursive: true, force: true }), () => box.close());
  return { dir, box };
}

const message = (subject: string) => Buffer.from(`From: a@acme.example\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`);

describe('openMaildir', () => {
  it('lists mail in new/ and cur/, reads it, and reads headers alone', async () => {
    const { dir, box } = await maildir();
    const first = await deliverToMaildir(dir, message('one'));
    await writeFile(join(dir, 'cur', '1700000000.M1P1.host,S=60:2,S'), message('two, already seen by a mail client'));
    const refs = await box.list();
    expect(refs.map((ref) => ref.id)).toEqual(['cur/1700000000.M1P1.host,S=60:2,S', `new/${first.name}`]);
    expect(refs[1]?.size).toBe(first.size);
    expect((await box.read(refs[1]!)).toString()).toContain('body of one');
    expect((await box.readHeaders(refs[1]!)).toString()).toContain('Subject: one');
  });

  it('moves a message atomically into a Maildir++ folder marked seen, and the inbox no longer lists it', async () => {
    const { dir, box } = await maildir();
    await deliverToMaildir(dir, message('release'));
    await deliverToMaildir(dir, message('not ours'));
    const [release, other] = await box.list();
    await box.move(release!, PROCESSED_FOLDER);
    expect((await box.list()).map((ref) => ref.id)).toEqual([other!.id]);
    const moved = await readdir(join(dir, '.Marketplace.Processed', 'cur'));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatch(/:2,S$/);
    expect(await readFile(join(dir, '.Marketplace.Processed', 'cur', moved[0]!), 'utf8')).toContain('body of release');
    expect(existsSync(join(dir, '.Marketplace.Processed', 'maildirfolder'))).toBe(true);
    // the message that is not ours is exactly where it was
    expect(await readdir(join(dir, 'new'))).toEqual([other!.id.slice(4)]);

    await box.move(other!, REJECTED_FOLDER);
    expect(await box.list()).toEqual([]);
    expect(await readdir(join(dir, '.Marketplace.Rejected', 'cur'))).toHaveLength(1);
  });

  it('still finds a message that another reader moved from new/ to cur/ after it was listed', async () => {
    const { dir, box } = await maildir();
    const file = await deliverToMaildir(dir, message('moved'));
    const [ref] = await box.list();
    await rename(file.path, join(dir, 'cur', `${file.name}:2,`));
    expect((await box.read(ref!)).toString()).toContain('body of moved');
    await box.move(ref!, PROCESSED_FOLDER);
    expect(await box.list()).toEqual([]);
  });

  it('refuses ids and folder names that would leave the Maildir', async () => {
    const { dir, box } = await maildir();
    await deliverToMaildir(dir, message('x'));
    const [ref] = await box.list();
    await expect(box.read({ id: 'new/../../etc/passwd' })).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    await expect(box.read({ id: '../secret' })).rejects.toBeInstanceOf(MailError);
    for (const folder of ['../out', 'Marketplace/../..', '.hidden', 'a//b', 'a.b', '']) {
      await expect(box.move(ref!, folder)).rejects.toMatchObject({ code: 'INVALID_FOLDER' });
    }
    expect(await box.list()).toHaveLength(1);
  });

  it('reports a message that is gone as MESSAGE_NOT_FOUND', async () => {
    const { dir, box } = await maildir();
    const file = await deliverToMaildir(dir, message('x'));
    const [ref] = await box.list();
    await rm(file.path);
    await expect(box.read(ref!)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });

  it('watch() reports new mail as it is delivered, and stops when asked', async () => {
    const { dir, box } = await maildir({ pollIntervalMs: 60_000 });
    let changes = 0;
    const stop = box.watch(() => (changes += 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await deliverToMaildir(dir, message('new'));
    await expect.poll(() => changes, { timeout: 3000 }).toBeGreaterThan(0);
    stop();
    const seen = changes;
    await deliverToMaildir(dir, message('after stop'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes).toBe(seen);
  });

  it('watch() by polling alone (fs.watch off, as on NFS) reports new mail within the poll interval', async () => {
    const { dir, box } = await maildir({ pollIntervalMs: 100, fsWatch: false });
    let changes = 0;
    box.watch(() => (changes += 1));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await deliverToMaildir(dir, message('polled'));
    await expect.poll(() => changes, { timeout: 2000 }).toBeGreaterThan(0);
  });
});
