import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory } from '@marketplace/mail/hub';
import { freePort } from '@marketplace/mail/testing';
import { enroll, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { startServer, type RunningServer } from '../src/composition/server.js';
import type { Db } from '../src/db/schema.js';
import { legacyCampaignReturnPath } from '../src/modules/campaigns/campaign-mail-address.js';
import { maildirInbox } from './maildir-inbox.js';
import { swaksRaw } from './swaks-raw.js';
import { requireBinary } from './system-binary.js';
import { TEST_SECRET } from './helper.js';

/**
 * A campaign through the real parts: the server with its embedded mail hub and job queue, 50 users
 * reading English or Polish, the announcement in each user's Maildir, one bounce sent back by swaks as
 * a real DSN, and install now reaching a real agent whose own reports count the install as healthy.
 */
const swaksBinary = requireBinary('swaks', 'swaks');
const FROM = 'marketplace@marketplace.test';
let server: RunningServer;
let work: string;
let agent: RunningAgent | undefined;
let base: string;
let admin: { token: string; orgId: string; userId: string; email: string };
let member: { token: string; email: string };
let appId: string;
let groupId: string;
const users: { id: string; email: string; language: 'en' | 'pl' | null }[] = [];
const mail = maildirInbox(() => join(work, 'data'));
const db = () => server.app!.db as Db;

const api = async (token: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > ms) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The live `campaign` events the admin's event stream carries. */
function listen(token: string) {
  const events: { type: string; data: any }[] = [];
  const controller = new AbortController();
  const ready = (async () => {
    const response = await fetch(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let resolveOpen!: () => void;
    const open = new Promise<void>((resolve) => (resolveOpen = resolve));
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const chunk = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.+)$/m.exec(chunk)?.[1];
            const data = /^data: (.+)$/m.exec(chunk)?.[1];
            if (type === 'ready') resolveOpen();
            else if (type && data) events.push({ type, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();
    await open;
  })();
  return { events, ready, stop: () => controller.abort() };
}

/** A delivery status notification (RFC 3464) as a relay would send it back to the return path. */
function dsn(to: string, failedRecipient: string, original: { messageId: string; subject: string }): Buffer {
  const boundary = `dsn-${randomUUID()}`;
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@relay.example.test>',
      `To: ${to}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomUUID()}@relay.example.test>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `Your message could not be delivered to ${failedRecipient}: the mailbox does not exist.`,
      '',
      `--${boundary}`,
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; relay.example.test',
      `Arrival-Date: ${new Date().toUTCString()}`,
      '',
      `Final-Recipient: rfc822; ${failedRecipient}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <' + failedRecipient + '>: Recipient address rejected: User unknown',
      '',
      `--${boundary}`,
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${FROM}`,
      `To: ${failedRecipient}`,
      `Subject: ${original.subject}`,
      `Message-ID: ${original.messageId}`,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'campaigns-'));
  // a fixed hub port: the server's own outgoing mail goes to its hub there
  const port = await freePort();
  server = await startServer({
    role: 'all',
    handleSignals: false,
    env: { NODE_ENV: 'test', DATA_DIR: join(work, 'data'), PORT: '0', SMTP_LISTEN_PORT: String(port), JWT_SECRET: TEST_SECRET, ROOT_KEY_PASSPHRASE: 'a test root key passphrase', LOG_LEVEL: 'silent', SMTP_FROM: FROM, PUBLIC_URL: 'https://market.example.test' },
  });
  base = server.url!;
  const registered = await (await fetch(`${base}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: 'Campaign Org', name: 'Ada Admin', email: 'ada@campaign.test', password: 'correct horse battery staple' }) })).json();
  admin = { token: registered.token, orgId: registered.organization.id, userId: registered.user.id, email: 'ada@campaign.test' };
  // a member who owns no app: a recipient who may not campaign
  const invite = await api(admin.token, 'POST', '/api/v1/invitations', { email: 'mo@campaign.test', roles: ['member'] });
  const accepted = await (await fetch(`${base}/api/v1/auth/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invite.body.token, name: 'Mo Member', password: 'another long password 1' }) })).json();
  member = { token: accepted.token, email: 'mo@campaign.test' };
  await api(admin.token, 'PATCH', `/api/v1/users/${accepted.user.id}`, { language: 'pl' });
  // 48 more people: 24 read Polish, 4 chose English, 20 chose nothing (the organisation's default, English)
  for (let i = 0; i < 48; i += 1) users.push({ id: randomUUID(), email: `person-${i}@campaign.test`, language: i < 24 ? 'pl' : i < 28 ? 'en' : null });
  await db().insertInto('users').values(users.map((u) => ({ id: u.id, org_id: admin.orgId, email: u.email, name: u.email, password_hash: null, roles: ['member' as const], status: 'active' as const, language: u.language }))).execute();
  users.push({ id: accepted.user.id, email: member.email, language: 'pl' }, { id: admin.userId, email: admin.email, language: null });
  // a group of the first 40; the other 10 are named by address
  groupId = (await api(admin.token, 'POST', '/api/v1/groups', { name: 'Early adopters', members: users.slice(0, 40).map((u) => u.id) })).body.id;
  // a published version, signed by the organisation's key, that a real agent accepts
  const release = await signedTinyRelease(await server.app!.orgKeys.signingKey(admin.orgId), 'room-booking', '1.0.0');
  appId = randomUUID();
  const versionId = randomUUID();
  await db().insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'room-booking', title: 'Room booking', summary: 'Book meeting rooms by the hour.', kind: 'form-app', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
  await db()
    .insertInto('app_versions')
    .values({ id: versionId, app_id: appId, org_id: admin.orgId, version: '1.0.0', request_id: null, spec: '{}', manifest: '{}', changelog: 'First version: rooms, hours, bookings.', bundle_sha256: release.sha256, bundle_size: release.size, key_id: release.keyId, release_json: release.envelopeJson, validation_report: '{}', scan_report: '{}', published_by: admin.userId })
    .execute();
  await db().insertInto('app_version_bundles').values({ version_id: versionId, bundle: release.bundle }).execute();
  await db().insertInto('app_owners').values({ id: randomUUID(), org_id: admin.orgId, app_id: appId, user_id: admin.userId, group_id: null, added_by: admin.userId }).execute();
  // one real agent, enrolled by the admin (a recipient)
  const { body: enrolment } = await api(admin.token, 'POST', '/api/v1/agents/enrollments', {});
  const home = join(work, 'agent');
  const agentConfig = await enroll({ server: base, code: enrolment.code, home });
  agent = await startAgent({ home, mailbox: await openMaildir(mailboxDirectory(join(work, 'data'), agentConfig.mailbox), { fsWatch: false }), heartbeatIntervalMs: 3_600_000, log: () => {} });
}, 120_000);

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  await server?.stop();
  rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

describe('a distribution campaign', () => {
  it.skipIf(!swaksBinary)('mails 50 people in their language, counts one bounce from a real DSN and the install a real agent reports healthy', { timeout: 180_000 }, async () => {
    const refused = await api(member.token, 'POST', '/api/v1/campaigns', { appId, audience: { everyone: true } });
    expect(refused.status, 'a member who owns no app may not announce it').toBe(403);
    expect(refused.body.code).toBe('APP_OWNER_REQUIRED');
    const unknown = await api(admin.token, 'POST', '/api/v1/campaigns', { appId, audience: { emails: ['nobody@elsewhere.test'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('UNKNOWN_RECIPIENTS');

    const emails = users.slice(40).map((u) => u.email);
    const created = await api(admin.token, 'POST', '/api/v1/campaigns', { appId, audience: { groupIds: [groupId], emails }, installNow: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const campaign = created.body;
    expect(campaign.counts).toMatchObject({ recipients: 50, byLanguage: { en: 25, pl: 25 }, pending: 50, sent: 0 });
    const drafts = Object.fromEntries(campaign.drafts.map((d: any) => [d.language, d]));
    expect(drafts.en.subject).toBe('New app: Room booking 1.0.0');
    expect(drafts.en.body).toContain('Book meeting rooms by the hour.');
    expect(drafts.en.body).toContain('First version: rooms, hours, bookings.');
    expect(drafts.en.body).toContain(`https://market.example.test/apps/${appId}`);
    expect(drafts.pl.subject).toBe('Nowa aplikacja: Room booking 1.0.0');
    const edited = await api(admin.token, 'PUT', `/api/v1/campaigns/${campaign.id}/drafts`, { language: 'pl', subject: 'Rezerwacja sal już dostępna', body: 'Zarezerwujesz salę na godzinę.\n\nZespół IT' });
    expect(edited.status).toBe(200);
    expect(edited.body.drafts.find((d: any) => d.language === 'pl')).toMatchObject({ subject: 'Rezerwacja sal już dostępna', edited: true });
    expect((await api(member.token, 'GET', `/api/v1/campaigns/${campaign.id}`)).status, 'another owner’s campaign is not shown').toBe(404);

    // a second campaign scheduled for later and cancelled before it runs
    const later = (await api(admin.token, 'POST', '/api/v1/campaigns', { appId, audience: { emails: [admin.email] } })).body;
    expect((await api(admin.token, 'POST', `/api/v1/campaigns/${later.id}/schedule`, { at: new Date(Date.now() + 3_600_000).toISOString() })).body.state).toBe('scheduled');
    expect((await api(admin.token, 'POST', `/api/v1/campaigns/${later.id}/cancel`)).body.state).toBe('cancelled');
    expect((await api(admin.token, 'POST', `/api/v1/campaigns/${later.id}/schedule`, {})).status, 'a cancelled campaign stays cancelled').toBe(409);

    const live = listen(admin.token);
    await live.ready;
    const scheduled = await api(admin.token, 'POST', `/api/v1/campaigns/${campaign.id}/schedule`, { at: new Date(Date.now() + 1500).toISOString() });
    expect(scheduled.body.state).toBe('scheduled');
    const sent = await until('campaign sent', async () => (await api(admin.token, 'GET', `/api/v1/campaigns/${campaign.id}`)).body, (c) => c.state === 'sent', 60_000);
    expect(sent.counts).toMatchObject({ recipients: 50, pending: 0, sent: 50, failed: 0, bounced: 0 });
    expect(new Date(sent.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(scheduled.body.scheduledAt).getTime());

    // every recipient has exactly one announcement, in their language
    for (const user of users) {
      const [announcement, ...more] = (await mail.inbox(user.email)).filter((m) => m.headers.get('x-marketplace-campaign') === campaign.id);
      expect(more, user.email).toHaveLength(0);
      const polish = user.language === 'pl';
      expect(announcement?.subject, user.email).toBe(polish ? 'Rezerwacja sal już dostępna' : 'New app: Room booking 1.0.0');
      expect(announcement!.text).toContain(polish ? 'Zarezerwujesz salę' : 'Book meeting rooms');
    }
    expect((await mail.inbox(admin.email)).filter((m) => m.headers.get('x-marketplace-campaign') === later.id), 'the cancelled campaign sent nothing').toHaveLength(0);

    // one address bounces: the relay's DSN comes back to the mail's return path
    const bouncing = users[7]!;
    const [original] = (await mail.inbox(bouncing.email)).filter((m) => m.headers.get('x-marketplace-campaign') === campaign.id);
    const returnPath = (original!.headers.get('return-path') as { value: { address: string }[] }).value[0]!.address;
    // outgoing mail's signed return path (decision 0046): the delivery record's id and a 16-digit tag
    expect(returnPath).toMatch(/^marketplace\+b[0-9a-f]{48}@marketplace\.test$/);
    const answer = await swaksRaw(swaksBinary!, server.mailHub!.port, { from: '<>', to: returnPath }, dsn(returnPath, bouncing.email, { messageId: original!.messageId!, subject: original!.subject! }));
    expect(answer.code, answer.output).toBe(0);
    // a forged DSN to a return path with a wrong tag bounces nobody
    const forged = returnPath.replace(/[0-9a-f](@)/, (digit, at) => `${digit === '0' ? '1' : '0'}${at}`);
    expect((await swaksRaw(swaksBinary!, server.mailHub!.port, { from: '<>', to: forged }, dsn(forged, users[8]!.email, { messageId: '<nothing@x>', subject: 's' }))).code).toBe(0);
    const bounced = await until('bounce counted', async () => (await api(admin.token, 'GET', `/api/v1/campaigns/${campaign.id}/results?bucket=minute`)).body, (r) => r.counts.bounced >= 1);
    expect(bounced.counts).toMatchObject({ sent: 50, bounced: 1 });
    // the count comes from the delivery records: every recipient has one, the bounced one says why
    const announcements = (await api(admin.token, 'GET', '/api/v1/outgoing-mail?kind=announcement&limit=100')).body;
    const ours = announcements.items.filter((item: any) => item.messageId.startsWith('<campaign.'));
    expect(new Set(ours.map((item: any) => item.recipients[0].address))).toEqual(new Set(users.map((u) => u.email.toLowerCase())));
    expect(ours.filter((item: any) => item.recipients[0].state === 'bounced')).toEqual([expect.objectContaining({ messageId: original!.messageId, language: bouncing.language ?? 'en', recipients: [expect.objectContaining({ address: bouncing.email.toLowerCase(), state: 'bounced', dsnStatus: '5.1.1', smtpCode: 250 })] })]);
    expect(ours.filter((item: any) => item.recipients[0].state === 'accepted')).toHaveLength(49);

    // install now: the release reached the admin's agent; its own reports count the install and its health
    expect((await agent!.processOnce()).processed).toBe(1);
    const results = await until('install counted', async () => (await api(admin.token, 'GET', `/api/v1/campaigns/${campaign.id}/results?bucket=minute`)).body, (r) => r.counts.healthy >= 1);
    expect(results.counts).toMatchObject({ recipients: 50, sent: 50, bounced: 1, installs: 1, healthy: 1 });
    const lastPoint = results.series.at(-1);
    expect(lastPoint).toMatchObject({ sent: 50, bounced: 1, installs: 1, healthy: 1 });
    expect(results.series.every((p: any, i: number, all: any[]) => i === 0 || p.sent >= all[i - 1].sent)).toBe(true);

    // the event stream carried the progress live, ending with the healthy install
    await until('live healthy', async () => live.events.filter((e) => e.type === 'campaign' && e.data.id === campaign.id), (events) => events.some((e) => e.data.counts.healthy === 1));
    const progress = live.events.filter((e) => e.type === 'campaign' && e.data.id === campaign.id);
    expect(progress.map((e) => e.data.state)).toContain('sending');
    expect(progress.some((e) => e.data.state === 'sent' && e.data.counts.sent === 50)).toBe(true);
    expect(progress.some((e) => e.data.counts.bounced === 1)).toBe(true);
    live.stop();
  });

  it.skipIf(!swaksBinary)('after a crash mid-send, mails nobody twice: a claimed mail the hub already holds counts as sent', { timeout: 60_000 }, async () => {
    const created = (await api(admin.token, 'POST', '/api/v1/campaigns', { appId, audience: { emails: users.slice(0, 3).map((u) => u.email) } })).body;
    await api(admin.token, 'POST', `/api/v1/campaigns/${created.id}/schedule`, {});
    await until('second campaign sent', async () => (await api(admin.token, 'GET', `/api/v1/campaigns/${created.id}`)).body, (c) => c.state === 'sent');
    // as if the process died after the hub took one mail and before its row said so
    const [first] = await db().selectFrom('campaign_recipients').selectAll().where('campaign_id', '=', created.id).orderBy('id').limit(1).execute();
    await db().updateTable('campaign_recipients').set({ state: 'sending', sent_at: null }).where('id', '=', first!.id).execute();
    await db().updateTable('campaigns').set({ state: 'sending', finished_at: null }).where('id', '=', created.id).execute();
    await server.app!.jobs!.send('campaigns.send', { orgId: admin.orgId, campaignId: created.id, scheduledAt: created.scheduledAt ?? '' });
    const again = await until('sent again', async () => (await api(admin.token, 'GET', `/api/v1/campaigns/${created.id}`)).body, (c) => c.state === 'sent');
    expect(again.counts).toMatchObject({ recipients: 3, sent: 3, pending: 0 });
    const copies = (await mail.inbox(first!.email)).filter((m) => m.headers.get('x-marketplace-campaign') === created.id);
    expect(copies).toHaveLength(1);
  });

  it.skipIf(!swaksBinary)('still counts a bounce to the return path announcements carried before decision 0046, for 14 days after sending', { timeout: 60_000 }, async () => {
    const created = (await api(admin.token, 'POST', '/api/v1/campaigns', { appId, audience: { emails: users.slice(10, 12).map((u) => u.email) } })).body;
    await api(admin.token, 'POST', `/api/v1/campaigns/${created.id}/schedule`, {});
    await until('legacy campaign sent', async () => (await api(admin.token, 'GET', `/api/v1/campaigns/${created.id}`)).body, (c) => c.state === 'sent');
    const [recent, old] = await db().selectFrom('campaign_recipients').selectAll().where('campaign_id', '=', created.id).orderBy('id').execute();
    // as if both had gone out with the old return path; one of them 15 days ago
    await db().updateTable('campaign_recipients').set({ sent_at: new Date(Date.now() - 15 * 86_400_000) }).where('id', '=', old!.id).execute();
    for (const recipient of [recent!, old!]) {
      const path = legacyCampaignReturnPath(FROM, TEST_SECRET, recipient.id);
      const answer = await swaksRaw(swaksBinary!, server.mailHub!.port, { from: '<>', to: path }, dsn(path, recipient.email, { messageId: recipient.message_id!, subject: 's' }));
      expect(answer.code, answer.output).toBe(0);
    }
    const counted = await until('legacy bounce counted', async () => (await api(admin.token, 'GET', `/api/v1/campaigns/${created.id}`)).body, (c) => c.counts.bounced >= 1);
    await until('both DSNs settled', async () => db().selectFrom('incoming_mail').select('id').where('state', 'in', ['stored', 'processing']).execute(), (rows) => rows.length === 0);
    expect((await api(admin.token, 'GET', `/api/v1/campaigns/${created.id}`)).body.counts).toMatchObject({ recipients: 2, sent: 2, bounced: 1 });
    expect(counted.counts.bounced).toBe(1);
    expect((await db().selectFrom('campaign_recipients').select('state').where('id', '=', old!.id).executeTakeFirstOrThrow()).state).toBe('sent');
  });

  it("refuses to schedule a draft the organisation's compliance check blocks, naming the draft and the reason; nothing is sent", async () => {
    const created = (await api(admin.token, 'POST', '/api/v1/campaigns', { appId, audience: { emails: [users[0]!.email] } })).body;
    const language = created.drafts[0].language;
    await api(admin.token, 'PUT', `/api/v1/campaigns/${created.id}/drafts`, { language, subject: 'Try it', body: `Use the key mpk_${'a'.repeat(32)} to sign in.` });
    const refused = await api(admin.token, 'POST', `/api/v1/campaigns/${created.id}/schedule`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CAMPAIGN_BLOCKED');
    expect(refused.body.detail).toContain(`The ${language} draft cannot be sent`);
    expect(refused.body.detail).toContain('secret');
    expect(refused.body.detail).not.toContain('mpk_aaaa');
    expect((await api(admin.token, 'GET', `/api/v1/campaigns/${created.id}`)).body.state).toBe('draft');
  });
});
