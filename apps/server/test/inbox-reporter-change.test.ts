import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHealth } from '../../agent/src/index.js';
import { call } from './helper.js';
import { MARKETPLACE, startFixByReply, until, type FixByReply } from './fix-by-reply-fixture.js';

/**
 * A reporter changes the app by replying to their report's thread (decision 0047), on real parts: the
 * owner's answer reaches the reporter with a Reply-To issued to them for that thread; their reply
 * `CHANGE: …` does what the organisation's `inbox.reporterChanges` allows — a suggestion to the owners
 * (off), a change an owner approves or rejects (with-owner-approval), or the next version built on an
 * owner's behalf through the same pipeline and approvals (allowed), which reaches the reporter's real
 * agent, runs healthy there, and is announced to them.
 */
let f: FixByReply;
let threadAddress: string;
let answerMessageId: string;

const setPolicy = async (reporterChanges: string) => {
  const put = await call(f.app, f.admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { inbox: { reporterChanges } } } });
  expect(put.statusCode, put.body).toBe(200);
  expect(put.json().settings.inbox).toEqual({ reporterChanges });
};
const reporterChange = (text: string, from = f.reporter.email, to = threadAddress) => f.deliver({ from, to, subject: 'Re: Room booking crashes', inReplyTo: answerMessageId, text });
const requests = () => f.db().selectFrom('requests').select(['id', 'user_id', 'requested_by', 'state']).where('org_id', '=', f.admin.orgId).orderBy('created_at').execute();
const reporterChanges = () => f.db().selectFrom('mail_inbox_reporter_changes').select(['message_id', 'state', 'policy']).where('org_id', '=', f.admin.orgId).orderBy('created_at').execute();
/** The reporter's next mail whose text contains `words` (after the `seen` they had). */
async function reporterGets(words: string, seen: number): Promise<ParsedMail> {
  return until(`the reporter to be told "${words}"`, async () => (await f.mailbox.inbox(f.reporter.email)).slice(seen).find((m) => m.text?.includes(words)));
}

beforeAll(async () => {
  f = await startFixByReply('inbox-reporter-change');
  // the owner answers the report: the reporter's mail comes from the marketplace, with a reply address issued to them for this thread
  const answered = await call(f.app, f.owner, { method: 'POST', url: `/api/v1/messages/${f.bugId}/reply`, payload: { text: 'Thanks, we are looking into it.' } });
  expect(answered.statusCode, answered.body).toBe(201);
  const [answer] = await f.mailbox.waitForMail(f.reporter.email, 1);
  expect(answer!.from?.value[0]?.address).toBe(MARKETPLACE);
  threadAddress = answer!.replyTo!.value[0]!.address!;
  expect(threadAddress).toMatch(/^marketplace\+r[a-z0-9]+@marketplace\.test$/);
  answerMessageId = answer!.messageId!;
}, 400_000);

afterAll(async () => {
  await f?.close();
});

describe('a reporter changes the app by reply', () => {
  it("off (the default): the reporter is told changes come from the owners, and the owners get the suggestion in their inbox and by mail; nothing is built", async () => {
    const seen = (await f.mailbox.inbox(f.reporter.email)).length;
    const ownerMails = (await f.mailbox.inbox(f.owner.email)).length;
    expect(await reporterChange('CHANGE: add a notes field\n\nPlease, we need to say why.')).toBe('done reporter-change:suggested');
    const told = await reporterGets('Changes to “Room booking” come from its owners', seen);
    expect(told.inReplyTo).toEqual(expect.stringContaining('@example.test'));
    expect(await requests()).toHaveLength(1);
    // in the owners' inbox, in the report's thread, and mailed to them
    const items = (await call(f.app, f.owner, { method: 'GET', url: '/api/v1/messages' })).json().items as { id: string; classification: string; threadId: string }[];
    const suggestion = items.find((m) => m.classification === 'change-request')!;
    expect(suggestion).toBeDefined();
    const detail = (await call(f.app, f.owner, { method: 'GET', url: `/api/v1/messages/${suggestion.id}` })).json();
    expect(detail.threadId).toBe((await call(f.app, f.owner, { method: 'GET', url: `/api/v1/messages/${f.bugId}` })).json().threadId);
    expect(detail.reporterChange).toMatchObject({ text: 'add a notes field', policy: 'off', state: 'suggested' });
    const notice = (await f.mailbox.waitForMail(f.owner.email, ownerMails + 1)).at(-1)!;
    expect(notice.subject).toBe('[Room booking] Change suggested by the reporter: Re: Room booking crashes');
    expect(notice.text).toContain('add a notes field');
  });

  it('refuses a forged sender: a member using the reporter\'s thread address, and the reporter\'s From without that address; nothing is built or recorded', async () => {
    await setPolicy('allowed');
    expect(await reporterChange('CHANGE: add a secret field', f.stranger.email)).toBe('done refused:foreign-token');
    // the reporter's address as From, sent to the marketplace's plain address (as anyone who learns it could): not proven, so not read as theirs
    expect(await reporterChange('CHANGE: add a secret field', f.reporter.email, MARKETPLACE)).toMatch(/^done refused:unproven-sender/);
    expect(await requests()).toHaveLength(1);
    expect(await reporterChanges()).toHaveLength(1);
    const refused = await f.db().selectFrom('audit_log').select(['details']).where('org_id', '=', f.admin.orgId).where('action', '=', 'mail.refused').execute();
    expect(refused.map((a) => (a.details as { code: string }).code)).toEqual(expect.arrayContaining(['foreign-token', 'unproven-sender']));
  });

  it('allowed: "CHANGE: add a notes field" is built on an owner\'s behalf as 1.1.0, names the reporter, runs healthy on the reporter\'s agent, and the reporter is told', async () => {
    const seen = (await f.mailbox.inbox(f.reporter.email)).length;
    expect(await reporterChange('CHANGE: add a notes field')).toBe('done reporter-change:building');
    await reporterGets('Your change is being built as the next version of “Room booking”', seen);
    const request = (await requests()).at(-1)!;
    // the owner's request (they may publish into the app); the reporter's words
    expect(request).toMatchObject({ user_id: f.owner.userId, requested_by: f.reporter.userId });
    const done = await f.waitForRequest(request.id, f.owner);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    expect(done.version).toBe('1.1.0');
    const version = await f.db().selectFrom('app_versions').select(['spec', 'changelog']).where('app_id', '=', f.appId).where('version', '=', '1.1.0').executeTakeFirstOrThrow();
    expect((version.spec as { entities: { fields: { name: string }[] }[] }).entities[0]!.fields.map((field) => field.name)).toContain('notes');
    expect(version.changelog).toMatch(/notes/i);
    expect(version.changelog).toContain('Requested by User member.');
    const audit = await f.db().selectFrom('audit_log').select(['actor_id', 'target_id', 'details']).where('org_id', '=', f.admin.orgId).where('action', '=', 'request.reporter-change').execute();
    expect(audit).toMatchObject([{ actor_id: f.reporter.userId, target_id: request.id, details: { onBehalfOf: f.owner.userId } }]);

    await f.reporterRuns('1.1.0');
    const running = f.agent().deployer.apps().find((a) => a.name === 'room-booking')!;
    expect(running.current).toBe('1.1.0');
    expect((await probeHealth(running.port!, '/healthz')).ok).toBe(true);
    const told = await reporterGets('is in version 1.1.0', seen);
    expect(told.text).toContain('the fix you reported for “Room booking” is in version 1.1.0');
  });

  it('with-owner-approval: nothing is built until an owner approves (a member may not); approving builds 1.2.0 on the owner\'s behalf', async () => {
    await setPolicy('with-owner-approval');
    const seen = (await f.mailbox.inbox(f.reporter.email)).length;
    const ownerMails = (await f.mailbox.inbox(f.owner.email)).length;
    expect(await reporterChange('CHANGE: make the end date optional')).toBe('done reporter-change:awaiting-owner');
    await reporterGets('waits for an owner of the app to approve it', seen);
    const notice = (await f.mailbox.waitForMail(f.owner.email, ownerMails + 1)).at(-1)!;
    expect(notice.subject).toBe('[Room booking] Change to approve: Re: Room booking crashes');
    expect(await requests()).toHaveLength(2);
    const pending = (await reporterChanges()).at(-1)!;
    expect(pending).toMatchObject({ state: 'awaiting-owner', policy: 'with-owner-approval' });

    const decide = (account: typeof f.owner, payload: object) => call(f.app, account, { method: 'POST', url: `/api/v1/messages/${pending.message_id}/reporter-change`, payload });
    expect((await decide(f.stranger, { decision: 'approve' })).statusCode).toBe(404);
    expect((await decide(f.admin, { decision: 'approve' })).statusCode).toBe(403);
    expect(await requests()).toHaveLength(2);
    const approved = await decide(f.owner, { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toEqual({ state: 'building' });
    expect((await decide(f.owner, { decision: 'reject', reason: 'too late' })).json().code).toBe('REPORTER_CHANGE_NOT_PENDING');
    const request = (await requests()).at(-1)!;
    expect(request).toMatchObject({ user_id: f.owner.userId, requested_by: f.reporter.userId });
    const done = await f.waitForRequest(request.id, f.owner);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    expect(done.version).toBe('1.2.0');
    const version = await f.db().selectFrom('app_versions').select('spec').where('app_id', '=', f.appId).where('version', '=', '1.2.0').executeTakeFirstOrThrow();
    expect((version.spec as { entities: { fields: { name: string; required?: boolean }[] }[] }).entities[0]!.fields.find((field) => field.name === 'endDate')!.required).toBe(false);
  });

  it('limits changes per reporter per app (3 a day), and an owner\'s rejection tells the reporter why', async () => {
    const seen = (await f.mailbox.inbox(f.reporter.email)).length;
    expect(await reporterChange('CHANGE: add a department field')).toBe('done reporter-change:limited');
    await reporterGets('You asked for 3 changes to “Room booking” in the last day already', seen);
    expect(await reporterChanges()).toHaveLength(3);

    // a day later
    await f.db().updateTable('mail_inbox_reporter_changes').set({ created_at: new Date(Date.now() - 25 * 3_600_000) }).where('org_id', '=', f.admin.orgId).execute();
    expect(await reporterChange('CHANGE: add a department field')).toBe('done reporter-change:awaiting-owner');
    const pending = (await reporterChanges()).at(-1)!;
    const rejected = await call(f.app, f.owner, { method: 'POST', url: `/api/v1/messages/${pending.message_id}/reporter-change`, payload: { decision: 'reject', reason: 'departments come from the directory' } });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toEqual({ state: 'rejected' });
    await reporterGets('did not take your change: departments come from the directory', seen);
    expect(await requests()).toHaveLength(3);
    const detail = (await call(f.app, f.owner, { method: 'GET', url: `/api/v1/messages/${pending.message_id}` })).json();
    expect(detail.reporterChange).toMatchObject({ state: 'rejected', reason: 'departments come from the directory', decidedBy: f.owner.userId });
  });
  it('allowed never bypasses review: when the policy reviews every publication, the change built on the reporter\'s word waits for a reviewer like an owner\'s', async () => {
    const policy = await call(f.app, f.admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { publish: 'all' } } } });
    expect(policy.statusCode, policy.body).toBe(200);
    await setPolicy('allowed');
    expect(await reporterChange('CHANGE: add a department field')).toBe('done reporter-change:building');
    const request = (await requests()).at(-1)!;
    expect(request).toMatchObject({ user_id: f.owner.userId, requested_by: f.reporter.userId });
    const approval = await until('the publication to wait for a reviewer', async () => f.db().selectFrom('approvals').select(['kind', 'state', 'requested_by']).where('request_id', '=', request.id).executeTakeFirst(), 240_000);
    expect(approval).toEqual({ kind: 'publish', state: 'waiting', requested_by: f.owner.userId });
    const waiting = (await call(f.app, f.owner, { method: 'GET', url: `/api/v1/requests/${request.id}` })).json();
    expect(waiting.state).not.toBe('published');
    expect(await f.db().selectFrom('app_versions').select('version').where('app_id', '=', f.appId).where('version', '=', '1.3.0').executeTakeFirst()).toBeUndefined();
  });
});
