import { randomUUID } from 'node:crypto';
import type { MailSender } from '@marketplace/mail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHealth, type RunningAgent } from '../../agent/src/index.js';
import type { Db } from '../src/db/schema.js';
import { call, register, type Account } from './helper.js';
import { MARKETPLACE, startFixByReply, until, type FixByReply } from './fix-by-reply-fixture.js';

/**
 * "Fix by reply" on real parts: a bug report sent over SMTP into the embedded mail hub lands in the
 * owner's inbox; the owner's reply with "add a notes field" goes through the conversation engine, the
 * pipeline (generate … sign, publish) builds the next version, which reaches the reporter's real agent
 * (it runs the app) through the hub and runs healthy there, and the reporter gets the reply and, once
 * the version is published, the mail naming it.
 */
let fixture: FixByReply;
let env: FixByReply['env'];
let outside: MailSender;
let admin: Account;
let owner: Account;
let stranger: Account;
let reporter: Account;
let appId: string;
let bugId: string;
let bugMessageId: string;
let reporterAgent: RunningAgent;
const db = () => env.t.database.db as Db;
const mailbox = { inbox: (address: string) => fixture.mailbox.inbox(address), waitForMail: (address: string, count: number) => fixture.mailbox.waitForMail(address, count) };
const waitForRequest = (id: string, account: Account) => fixture.waitForRequest(id, account);
const reporterRuns = (version: string) => fixture.reporterRuns(version);

beforeAll(async () => {
  fixture = await startFixByReply('inbox-change');
  ({ env, outside, admin, owner, stranger, reporter, appId, bugId, bugMessageId } = fixture);
  reporterAgent = fixture.agent();
}, 400_000);

afterAll(async () => {
  await fixture?.close();
});

const changeReply = (account: Account, payload: Record<string, unknown>, id = bugId) => call(env.t.app, account, { method: 'POST', url: `/api/v1/messages/${id}/reply`, payload });

describe('fix by reply', () => {
  it('refuses a change by anyone but an owner of the app: a member, an admin who does not own it, another organisation', async () => {
    const member = await changeReply(stranger, { text: 'We will add it.', applyAsChange: true, change: 'add a notes field' });
    expect(member.statusCode, member.body).toBe(403);
    expect(member.json().code).toBe('APP_OWNER_REQUIRED');
    expect(member.json().detail).toContain('Only an owner of "Room booking"');
    const notOwningAdmin = await changeReply(admin, { text: 'We will add it.', applyAsChange: true, change: 'add a notes field' });
    expect(notOwningAdmin.statusCode).toBe(403);
    const foreign = await register(env.t.app, { organization: `Other Org ${randomUUID().slice(0, 8)}` });
    const elsewhere = await changeReply(foreign, { text: 'We will add it.', applyAsChange: true, change: 'add a notes field' });
    expect(elsewhere.statusCode).toBe(404);
    // none of them started a build or sent a mail
    expect(await db().selectFrom('requests').select('id').where('org_id', '=', admin.orgId).execute()).toHaveLength(1);
    expect(await mailbox.inbox(reporter.email)).toHaveLength(0);
    expect((await call(env.t.app, owner, { method: 'GET', url: `/api/v1/messages/${bugId}` })).json().changes).toEqual([]);
  });

  it('refuses words the engine does not read as a change (and a command), sending nothing; "change" needs the flag', async () => {
    const command = await changeReply(owner, { text: 'Done.', applyAsChange: true, change: 'build it' });
    expect(command.statusCode, command.body).toBe(422);
    expect(command.json().code).toBe('CHANGE_NOT_UNDERSTOOD');
    const noFlag = await changeReply(owner, { text: 'Done.', change: 'add a notes field' });
    expect(noFlag.statusCode).toBe(400);
    expect(await mailbox.inbox(reporter.email)).toHaveLength(0);
    expect(await db().selectFrom('requests').select('id').where('org_id', '=', admin.orgId).execute()).toHaveLength(1);
  });

  it("builds the owner's change as the next version, shows change → building → published on the thread, and mails the reporter the version", async () => {
    const replied = await changeReply(owner, { text: 'Thanks for the report: we are adding a notes field.', applyAsChange: true, change: 'add a notes field' });
    expect(replied.statusCode, replied.body).toBe(201);
    const { change } = replied.json();
    expect(change.state).toBe('building');
    expect(change.requestId).toEqual(expect.any(String));
    expect(change.reply.toLowerCase()).toContain('notes');

    // the reply reached the reporter, threaded on their report
    const [answer] = await mailbox.waitForMail(reporter.email, 1);
    expect(answer!.inReplyTo).toBe(bugMessageId);
    expect(answer!.text).toContain('adding a notes field');
    const building = (await call(env.t.app, owner, { method: 'GET', url: `/api/v1/messages/${bugId}` })).json();
    expect(building.state).toBe('replied');
    expect(building.changes).toMatchObject([{ text: 'add a notes field', requestId: change.requestId, conversationId: change.conversationId, notified: false }]);
    expect(['building', 'published']).toContain(building.changes[0].state);

    const done = await waitForRequest(change.requestId, owner);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    expect(done.version).toBe('1.1.0');
    expect(done.appId).toBe(appId);
    const version = await db().selectFrom('app_versions').select(['spec', 'changelog']).where('app_id', '=', appId).where('version', '=', '1.1.0').executeTakeFirstOrThrow();
    const fields = (version.spec as { entities: { fields: { name: string; type: string }[] }[] }).entities[0]!.fields;
    expect(fields.map((f) => f.name)).toEqual(['room', 'startDate', 'endDate', 'bookedBy', 'notes']);
    expect(version.changelog?.toLowerCase()).toContain('notes');
    // delivered as any new version is: to the requester's (the owner's) workstations, and as an update
    // to every workstation that runs the app — the reporter's, where it replaces 1.0.0 and runs healthy
    const deliveries = await db().selectFrom('deliveries').innerJoin('app_versions', 'app_versions.id', 'deliveries.version_id').select(['deliveries.user_id']).where('app_versions.version', '=', '1.1.0').where('app_versions.app_id', '=', appId).execute();
    expect(deliveries.map((d) => d.user_id).sort()).toEqual([owner.userId, reporter.userId].sort());
    await reporterRuns('1.1.0');
    const running = reporterAgent.deployer.apps().find((a) => a.name === 'room-booking')!;
    expect(running.current).toBe('1.1.0');
    expect(running.previous).toContain('1.0.0');
    expect((await probeHealth(running.port!, '/healthz')).ok).toBe(true);

    const shown = await until('the reporter to be told', async () => {
      const detail = (await call(env.t.app, owner, { method: 'GET', url: `/api/v1/messages/${bugId}` })).json();
      return detail.changes[0]?.notified ? detail : undefined;
    });
    expect(shown.changes[0]).toMatchObject({ state: 'published', version: '1.1.0', notified: true });
    const mails = await mailbox.waitForMail(reporter.email, 2);
    const told = mails.find((m) => m.text?.includes('version 1.1.0'))!;
    expect(told).toBeDefined();
    expect(told.text).toContain('the fix you reported for “Room booking” is in version 1.1.0');
    expect(told.inReplyTo).toBe(bugMessageId);
    expect(told.from?.value[0]?.address).toBe(MARKETPLACE);
    const thread = (await call(env.t.app, owner, { method: 'GET', url: `/api/v1/messages/${bugId}` })).json().thread as { direction: string; body: string }[];
    expect(thread.map((m) => m.direction)).toEqual(['in', 'out', 'out']);
    expect(thread[2]!.body).toContain('version 1.1.0');
    // told once, however often the request's events are heard again
    env.t.app.inboxChanges.onEvent({ orgId: admin.orgId, type: 'request', data: { id: change.requestId, state: 'published' }, audience: {} });
    await env.t.app.inboxChanges.idle();
    expect(await mailbox.inbox(reporter.email)).toHaveLength(2);
  });

  it('reads a change in Polish the same way: "End date ma być opcjonalna" (the field as the app names it) becomes 1.2.0 with an optional end date', async () => {
    const replied = await changeReply(owner, { text: 'Dziękujemy, data końca będzie opcjonalna.', applyAsChange: true, change: 'End date ma być opcjonalna' });
    expect(replied.statusCode, replied.body).toBe(201);
    const done = await waitForRequest(replied.json().change.requestId, owner);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    expect(done.version).toBe('1.2.0');
    const version = await db().selectFrom('app_versions').select('spec').where('app_id', '=', appId).where('version', '=', '1.2.0').executeTakeFirstOrThrow();
    const fields = (version.spec as { entities: { fields: { name: string; required?: boolean }[] }[] }).entities[0]!.fields;
    expect(fields.find((f) => f.name === 'endDate')!.required).toBe(false);
    expect(fields.map((f) => f.name)).toContain('notes');
    const changes = await until('both changes published and told', async () => {
      const detail = (await call(env.t.app, owner, { method: 'GET', url: `/api/v1/messages/${bugId}` })).json();
      return detail.changes.every((c: { notified: boolean }) => c.notified) ? detail.changes : undefined;
    });
    expect(changes.map((c: { version: string }) => c.version)).toEqual(['1.1.0', '1.2.0']);
    await mailbox.waitForMail(reporter.email, 4);
  });

  it('tells the owner of the report by mail, and takes their answer by mail: only the owner may use the address; an answer reaches the reporter; "CHANGE:" builds the next version', async () => {
    const [notice] = await mailbox.waitForMail(owner.email, 1);
    expect(notice!.subject).toBe('[Room booking] Bug report: Room booking crashes');
    expect(notice!.text).toContain('nowhere to say why');
    expect(notice!.text).toContain('CHANGE:');
    const ownerAddress = notice!.replyTo!.value[0]!.address!;
    expect(ownerAddress).toMatch(/^marketplace\+o[a-z0-9]+@marketplace\.test$/);
    // nobody else of the organisation was told, and the notice names no other owner's address
    expect(await mailbox.inbox(stranger.email)).toHaveLength(0);

    const replyTo = async (from: Account, text: string) => {
      const messageId = `<owner.${randomUUID()}@example.test>`;
      const raw = Buffer.from([`From: ${from.email}`, `To: ${ownerAddress}`, `Subject: Re: ${notice!.subject}`, `Message-ID: ${messageId}`, `In-Reply-To: ${notice!.messageId}`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n'));
      expect((await outside.send({ raw, envelope: { from: from.email, to: [ownerAddress] } })).ok).toBe(true);
      return until(`the reply ${messageId} to be processed`, async () => {
        const row = await db().selectFrom('incoming_mail').select(['state', 'outcome']).where('message_id', '=', messageId).executeTakeFirst();
        return row?.state === 'done' || row?.state === 'quarantined' ? `${row.state} ${row.outcome}` : undefined;
      });
    };
    const before = (await mailbox.inbox(reporter.email)).length;

    // another member of the organisation writing to the owner's address changes and sends nothing
    expect(await replyTo(stranger, 'CHANGE: add a department field')).toBe('done refused:foreign-token');
    expect(await mailbox.inbox(reporter.email)).toHaveLength(before);

    // a plain answer goes to the reporter in their thread; the owner hears what was done
    expect(await replyTo(owner, 'We are looking into it.\n\nOn Monday the marketplace wrote:\n> quoted')).toBe('done inbox-reply:sent');
    const answered = await mailbox.waitForMail(reporter.email, before + 1);
    expect(answered.at(-1)!.text).toContain('We are looking into it.');
    expect(answered.at(-1)!.text).not.toContain('quoted');
    expect(answered.at(-1)!.inReplyTo).toBe(bugMessageId);
    const confirmations = await mailbox.waitForMail(owner.email, 2);
    expect(confirmations.at(-1)!.text).toContain(`Your answer was sent to ${reporter.email}.`);

    // "CHANGE:" on the first line: the next version is built, the answer below it goes to the reporter
    expect(await replyTo(owner, 'CHANGE: add a department field\n\nThanks, a department field is coming.')).toBe('done inbox-reply:change-building');
    const building = await mailbox.waitForMail(owner.email, 3);
    expect(building.at(-1)!.text).toContain('The change is being built as the next version of “Room booking”');
    const detail = (await call(env.t.app, owner, { method: 'GET', url: `/api/v1/messages/${bugId}` })).json();
    const change = detail.changes.at(-1);
    expect(change.text).toBe('add a department field');
    const done = await waitForRequest(change.requestId, owner);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    expect(done.version).toBe('1.3.0');
    const version = await db().selectFrom('app_versions').select('spec').where('app_id', '=', appId).where('version', '=', '1.3.0').executeTakeFirstOrThrow();
    expect((version.spec as { entities: { fields: { name: string }[] }[] }).entities[0]!.fields.map((f) => f.name)).toContain('department');
    const told = await mailbox.waitForMail(reporter.email, before + 3);
    expect(told.some((m) => m.text?.includes('Thanks, a department field is coming.'))).toBe(true);
    expect(told.some((m) => m.text?.includes('version 1.3.0'))).toBe(true);
    const audit = await db().selectFrom('audit_log').select(['action', 'result', 'details']).where('org_id', '=', admin.orgId).where('action', '=', 'message.reply').orderBy('seq').execute();
    expect(audit.map((a) => (a.details as { outcome?: string }).outcome).filter(Boolean)).toEqual(['inbox-reply:sent', 'inbox-reply:change-building']);
  });
});
