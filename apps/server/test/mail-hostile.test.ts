import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { MailHub } from '@marketplace/mail/hub';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { startEmbeddedMailHub } from '../src/modules/mail-intake/embedded-mail-hub.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { swaksRaw } from './swaks-raw.js';
import { requireBinary } from './system-binary.js';

const MARKETPLACE = 'marketplace@marketplace.test';
const swaksBinary = requireBinary('swaks', 'swaks');
let t: TestApp;
let hub: MailHub;
let dataDir: string;
let user: Account;
const db = () => t.database.db as Db;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mail-hostile-'));
  // each shape and each legitimate mail comes from the same user: past the hourly limit they would all be 'rate-limited'
  // the queue reads each message from the hub's Maildir copy: both use this DATA_DIR
  t = await createTestApp({ env: { SMTP_FROM: MARKETPLACE, MAIL_SENDER_LIMIT_PER_HOUR: '10000', DATA_DIR: dataDir } });
  user = await register(t.app, { organization: 'Hostile Org' });
  const config = { ...t.app.config, host: '127.0.0.1', smtp: { ...t.app.config.smtp, listenPort: 0 } };
  hub = await startEmbeddedMailHub(config, { db: db(), mailQueue: t.app.mailQueue }, pino({ level: 'warn' }));
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** swaks sends `raw` to the marketplace address; answers its transcript (hostile mail may be refused). */
const swaks = async (from: string, raw: Buffer): Promise<string> => (await swaksRaw(swaksBinary!, hub.port, { from, to: MARKETPLACE }, raw)).output;

/** Waits for the message's one recorded outcome. */
async function outcomeOf(messageId: string) {
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 100))) {
    const row = await db().selectFrom('incoming_mail').select(['state', 'outcome', 'reason', 'envelope_from', 'attempts']).where('message_id', '=', messageId).executeTakeFirst();
    if (row && (row.state === 'done' || row.state === 'quarantined')) return row;
  }
  throw new Error(`no outcome recorded for ${messageId}`);
}

const crlf = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
const head = (id: string, from: string, extra: string[] = []) => [`From: ${from}`, `To: ${MARKETPLACE}`, `Subject: shape ${id}`, `Message-ID: <${id}@hostile.test>`, ...extra];
const nested = (depth: number) => {
  const lines: string[] = ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b0"', ''];
  for (let i = 0; i < depth; i++) lines.push(`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '');
  lines.push(`--b${depth}`, 'Content-Type: text/plain', '', 'deep', `--b${depth}--`);
  for (let i = depth - 1; i >= 0; i--) lines.push(`--b${i}--`);
  return lines;
};
const manyParts = (count: number) => ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="p"', '', ...Array.from({ length: count }, (_, i) => [`--p`, 'Content-Type: text/plain', '', `part ${i}`]).flat(), '--p--'];
const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)).toString('base64').replace(/.{76}/g, '$&\r\n');

type Shape = { name: string; from: 'user' | 'stranger'; raw: (id: string, from: string) => Buffer; expected: RegExp };
const shapes: Shape[] = [
  { name: 'header bomb: 100,000 headers', from: 'user', raw: (id, from) => crlf([...head(id, from), ...Array.from({ length: 100_000 }, (_, i) => `X-Bomb-${i}: v`), '', 'hello']), expected: /^quarantined$/ },
  { name: 'a 1 MiB header line', from: 'user', raw: (id, from) => crlf([...head(id, from), `X-Long: ${'a'.repeat(1024 * 1024)}`, '', 'hello']), expected: /^quarantined$/ },
  { name: '1,000-deep multipart', from: 'user', raw: (id, from) => crlf([...head(id, from), ...nested(1000)]), expected: /^quarantined$/ },
  { name: '5,000 MIME parts', from: 'user', raw: (id, from) => crlf([...head(id, from), ...manyParts(5000)]), expected: /^quarantined$/ },
  { name: 'NUL bytes in the body and subject', from: 'user', raw: (id, from) => crlf([...head(id, from, ['X-Nul: a\0b']), '', 'I need a form\0 for room\0 bookings']), expected: /^(refused|answered|confirmed)/ },
  { name: 'invalid UTF-8 in a utf-8 body', from: 'user', raw: (id, from) => Buffer.concat([crlf([...head(id, from), 'Content-Type: text/plain; charset=utf-8', '']), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0d, 0x0a])]), expected: /^(refused|answered)/ },
  { name: '8-bit raw header bytes', from: 'user', raw: (id, from) => Buffer.concat([crlf(head(id, from)), Buffer.from('X-Name: Za\xbf\xf3\xb3\xe6 g\xea\xb6l\xb1 ja\xbc\xf1\r\n\r\nbody\r\n', 'latin1')]), expected: /^(refused|answered)/ },
  { name: 'missing From', from: 'stranger', raw: (id) => crlf([`To: ${MARKETPLACE}`, `Subject: shape ${id}`, `Message-ID: <${id}@hostile.test>`, '', 'who am I']), expected: /^unknown-sender/ },
  { name: 'an unknown charset', from: 'user', raw: (id, from) => crlf([...head(id, from), 'Content-Type: text/plain; charset=x-no-such-charset', '', 'caf\xe9']), expected: /^(refused|answered)/ },
  { name: 'nested message/rfc822', from: 'user', raw: (id, from) => crlf([...head(id, from), 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="n"', '', '--n', 'Content-Type: text/plain', '', 'see attached', '--n', 'Content-Type: message/rfc822', '', 'From: x@y.test', 'Subject: inner', 'Content-Type: message/rfc822', '', 'From: z@y.test', 'Subject: innermost', '', 'deep', '--n--']), expected: /^(refused|answered)/ },
  { name: 'an archive bomb attachment', from: 'user', raw: (id, from) => crlf([...head(id, from), 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="z"', '', '--z', 'Content-Type: text/plain', '', 'logs attached', '--z', 'Content-Type: application/gzip; name="logs.gz"', 'Content-Disposition: attachment; filename="logs.gz"', 'Content-Transfer-Encoding: base64', '', bomb, '--z--']), expected: /^(refused|answered)/ },
  { name: 'a calendar invite', from: 'user', raw: (id, from) => crlf([...head(id, from), 'MIME-Version: 1.0', 'Content-Type: text/calendar; method=REQUEST; charset=utf-8', '', 'BEGIN:VCALENDAR', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'SUMMARY:Planning', 'DTSTART:20261207T090000Z', 'END:VEVENT', 'END:VCALENDAR']), expected: /^(refused|answered)/ },
  { name: 'a delivery status notification', from: 'stranger', raw: (id) => crlf([`From: MAILER-DAEMON@relay.test`, `To: ${MARKETPLACE}`, `Subject: Undelivered Mail Returned to Sender`, `Message-ID: <${id}@hostile.test>`, 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="r"', '', '--r', 'Content-Type: text/plain', '', 'could not deliver', '--r', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; relay.test', '', 'Final-Recipient: rfc822; nobody@else.test', 'Action: failed', 'Status: 5.1.1', '--r--']), expected: /^bounce:unmatched$/ }, // a report about no mail the server sent: recorded, never answered or read as a turn
  { name: 'a bad base64 body', from: 'user', raw: (id, from) => crlf([...head(id, from), 'Content-Transfer-Encoding: base64', '', '!!!not base64 at all***']), expected: /^(refused|answered)/ },
  { name: 'a header without a colon and a bare-LF body', from: 'user', raw: (id, from) => Buffer.concat([crlf(head(id, from)), Buffer.from('this is not a header\n\nbare\nlf\nbody\n')]), expected: /^(refused|answered|quarantined)/ },
  { name: 'an encoded-word bomb in the subject', from: 'user', raw: (id, from) => crlf([`From: ${from}`, `To: ${MARKETPLACE}`, `Message-ID: <${id}@hostile.test>`, `Subject: ${'=?utf-8?B?AAAA?= '.repeat(3000)}`, '', 'hello']), expected: /^(refused|answered)/ },
];

describe('hostile mail into a real hub (swaks), each with one recorded outcome', () => {
  it.skipIf(!swaksBinary).each(shapes)('$name', async (shape) => {
    const id = `hostile-${randomUUID()}`;
    const from = shape.from === 'user' ? user.email : `stranger-${randomUUID().slice(0, 8)}@outside.test`;
    const reply = await swaks(from, shape.raw(id, from));
    expect(reply).toMatch(/<- +250 2\.0\.0 stored/);
    const row = await outcomeOf(`<${id}@hostile.test>`);
    expect(row.outcome).toMatch(shape.expected);
    expect(row.envelope_from).toBe(from.toLowerCase());
    if (row.state === 'quarantined') expect(row.reason).toMatch(/^[A-Z_0-9a-z]+: /);
    // it is never tried again by itself, and the next legitimate mail is answered normally
    const next = `legit-${randomUUID()}`;
    await swaks(user.email, crlf([...head(next, user.email), '', 'I need a form for meeting room bookings']));
    expect((await outcomeOf(`<${next}@hostile.test>`)).outcome).toMatch(/^(refused:unproven-sender|answered|rate-limited)/);
    expect((await db().selectFrom('incoming_mail').select('attempts').where('message_id', '=', `<${id}@hostile.test>`).executeTakeFirstOrThrow()).attempts).toBe(1);
  }, 120_000);
});

describe('quarantined mail, as an admin sees it', () => {
  it.skipIf(!swaksBinary)('lists it with the reason, downloads it as it arrived, releases it for one more try and deletes it', async () => {
    const id = `poison-${randomUUID()}`;
    await swaks(user.email, shapes[2]!.raw(id, user.email));
    expect((await outcomeOf(`<${id}@hostile.test>`)).state).toBe('quarantined');
    const items = (await call(t.app, user, { method: 'GET', url: '/api/v1/mail-quarantine' })).json().items as { id: string; messageId: string; reason: string; envelopeFrom: string }[];
    const item = items.find((i) => i.messageId === `<${id}@hostile.test>`)!;
    expect(item).toMatchObject({ envelopeFrom: user.email.toLowerCase(), reason: expect.stringMatching(/^TOO_LARGE: .*nested/) });
    const raw = await call(t.app, user, { method: 'GET', url: `/api/v1/mail-quarantine/${item.id}/raw` });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(raw.body).toMatch(/^Return-Path: </);
    expect(raw.body).toContain(`Message-ID: <${id}@hostile.test>`);
    // released: tried once more (and set aside again, it is still poison), never in a loop
    expect((await call(t.app, user, { method: 'POST', url: `/api/v1/mail-quarantine/${item.id}/release` })).statusCode).toBe(202);
    for (let row = await outcomeOf(`<${id}@hostile.test>`); row.attempts < 2; row = await outcomeOf(`<${id}@hostile.test>`)) await new Promise((r) => setTimeout(r, 100));
    expect(await db().selectFrom('incoming_mail').select(['state', 'attempts']).where('message_id', '=', `<${id}@hostile.test>`).executeTakeFirst()).toEqual({ state: 'quarantined', attempts: 2 });
    expect((await call(t.app, user, { method: 'DELETE', url: `/api/v1/mail-quarantine/${item.id}` })).statusCode).toBe(204);
    expect((await call(t.app, user, { method: 'GET', url: `/api/v1/mail-quarantine/${item.id}/raw` })).statusCode).toBe(404);
  }, 120_000);
});
