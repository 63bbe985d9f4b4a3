import type { Db } from '../../db/schema.js';
import { appendAudit } from '../audit/audit-repository.js';
import { getOrgSettings } from '../settings/org-settings.js';
import type { InboxChangeDeps } from './inbox-change.js';
import { mailOwners } from './inbox-owner-mail.js';
import { sendThreadMail } from './inbox-reply.js';
import { appOwnerUserIds, findInboxMessage, insertInboxChange, insertInboxMessage, setChangeReply } from './inbox-repository.js';
import { MailProcessingError } from './mail-processing-error.js';
import type { ReporterToken } from './reporter-token.js';
import { reporterChangeText, type ReporterAnswer } from './reporter-change-text.js';

/**
 * A reporter's `CHANGE:` reply to their report's thread (decision 0047). The reporter is not an owner, so
 * what it does is the organisation's `inbox.reporterChanges`: `off` — a suggestion in the owners' inbox;
 * `with-owner-approval` — built on the approving owner's behalf once an owner approves; `allowed` — built at
 * once on an owner's behalf. Built changes go through the same engine, pipeline and approvals as an owner's,
 * name the reporter in the changelog, and mail the reporter when published (inbox-change.ts).
 */

/** What the reporter's change did: the incoming message's outcome, audited as `message.reporter-change`. */
export type ReporterChangeOutcome =
  | 'reporter-change:suggested'
  | 'reporter-change:awaiting-owner'
  | 'reporter-change:building'
  | 'reporter-change:needs-answer'
  | 'reporter-change:not-understood'
  | 'reporter-change:limited'
  | 'reporter-change:refused';

/** At most this many changes per reporter per app in a day: each one reaches the owners or the pipeline. */
export const REPORTER_CHANGES_PER_DAY = 3;
const DAY_MS = 24 * 3_600_000;

type InboxRow = NonNullable<Awaited<ReturnType<typeof findInboxMessage>>>;
type ChangeRow = { id: string; org_id: string; app_id: string; message_id: string; reporter_id: string; change_text: string };

export interface ReporterChangeInput {
  token: ReporterToken;
  change: string;
  /** The reporter's new text (quotes and signature dropped). */
  text: string;
  reporterAddress: string;
  /** The reply's Message-ID and references (it joins the report's thread). */
  messageId: string;
  refs: string[];
  subject: string;
}

async function answer(deps: InboxChangeDeps, orgId: string, message: InboxRow, kind: ReporterAnswer, extra: { reply?: string; reason?: string } = {}): Promise<void> {
  const text = reporterChangeText(message.language, kind, { title: message.app_title, limit: REPORTER_CHANGES_PER_DAY, ...extra });
  await sendThreadMail(deps.db, deps.mail, { orgId, userId: null, message, text, classification: 'reporter-change-answer' }).catch((error: unknown) =>
    deps.logger.warn({ component: 'reporter-change', messageId: message.id, err: error }, 'the reporter was not told what their change did'),
  );
}

/** The owner a change allowed by the policy is built on behalf of: the first direct owner with an active account, else an owner group's member. */
async function actingOwner(db: Db, appId: string): Promise<string | null> {
  const direct = await db.selectFrom('app_owners').innerJoin('users', 'users.id', 'app_owners.user_id').select('users.id').where('app_owners.app_id', '=', appId).where('users.status', '=', 'active').orderBy('app_owners.created_at').executeTakeFirst();
  if (direct) return direct.id;
  const owners = await appOwnerUserIds(db, appId);
  if (!owners.length) return null;
  const member = await db.selectFrom('users').select('id').where('id', 'in', owners).where('status', '=', 'active').orderBy('created_at').executeTakeFirst();
  return member?.id ?? null;
}

/**
 * Builds a reporter's change on `ownerId`'s behalf: the engine turns the words into the next version's
 * spec, the request names the reporter (`requested_by`), and the change joins the thread's changes so the
 * reporter is mailed when the version is published. Answers the engine's outcome; the reporter is told.
 */
export async function buildReporterChange(deps: InboxChangeDeps, row: ChangeRow, ownerId: string): Promise<'building' | 'needs-answer' | 'not-understood'> {
  const { db } = deps;
  const message = await findInboxMessage(db, row.org_id, row.message_id, { userId: null, admin: true });
  if (!message) throw new MailProcessingError('MESSAGE_NOT_FOUND', `No message ${row.message_id} in your organisation's inbox; see GET /api/v1/messages.`);
  const outcome = await deps.changeApp({ orgId: row.org_id, userId: ownerId, appId: row.app_id, text: row.change_text, requestedBy: row.reporter_id });
  if (outcome.state === 'not-understood') {
    await db.updateTable('mail_inbox_reporter_changes').set({ state: 'not-understood' }).where('id', '=', row.id).execute();
    await answer(deps, row.org_id, message, 'not-understood', { reply: outcome.reply.slice(0, 500) });
    return 'not-understood';
  }
  // The request is the owner's (they may publish into the app); the words are the reporter's, and the audit says so.
  await appendAudit(db, { orgId: row.org_id, actorType: 'user', actorId: row.reporter_id, action: 'request.reporter-change', targetType: 'request', targetId: outcome.requestId ?? outcome.conversationId ?? row.id, result: 'success', details: { appId: row.app_id, onBehalfOf: ownerId, state: outcome.state, message: row.message_id } });
  const changeId = await insertInboxChange(db, { orgId: row.org_id, appId: row.app_id, threadId: message.thread_id, messageId: message.id, requestedBy: ownerId, changeText: row.change_text, conversationId: outcome.conversationId, requestId: outcome.requestId });
  await db.updateTable('mail_inbox_reporter_changes').set({ state: outcome.state, change_id: changeId }).where('id', '=', row.id).execute();
  await answer(deps, row.org_id, message, outcome.state === 'building' ? 'building' : 'needs-answer');
  const sent = await db.selectFrom('mail_inbox').select('id').where('thread_id', '=', message.thread_id).where('direction', '=', 'out').orderBy('created_at', 'desc').executeTakeFirst();
  if (sent) await setChangeReply(db, changeId, sent.id);
  return outcome.state;
}

/** A reporter's `CHANGE:` reply by mail, their proof (From of the account the thread's address was issued to) checked by the caller. */
export async function reporterChangeByMail(deps: InboxChangeDeps, input: ReporterChangeInput): Promise<ReporterChangeOutcome> {
  const { db } = deps;
  const { token } = input;
  const report = await findInboxMessage(db, token.org_id, token.inbox_message_id, { userId: null, admin: true });
  if (!report) return 'reporter-change:refused';
  // A reporter who owns the app may change it anyway (as on the inbox page): their own change, built at once.
  const ownsApp = (await appOwnerUserIds(db, report.app_id)).includes(token.user_id);
  const policy = ownsApp ? 'allowed' : (await getOrgSettings(db, token.org_id)).inbox.reporterChanges;
  const recent = await db
    .selectFrom('mail_inbox_reporter_changes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('reporter_id', '=', token.user_id)
    .where('app_id', '=', report.app_id)
    .where('created_at', '>', new Date(Date.now() - DAY_MS))
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= REPORTER_CHANGES_PER_DAY) {
    await answer(deps, token.org_id, report, 'limited');
    return 'reporter-change:limited';
  }
  // The reply joins the report's thread, so the owners see it in the app's inbox whatever the policy.
  const messageId = await insertInboxMessage(db, {
    orgId: token.org_id,
    appId: report.app_id,
    threadId: report.thread_id,
    direction: 'in',
    analysisId: null,
    messageId: input.messageId,
    refs: input.refs,
    sender: input.reporterAddress,
    userId: token.user_id,
    subject: input.subject.slice(0, 500),
    body: input.text,
    summary: `CHANGE: ${input.change}`.slice(0, 800),
    classification: 'change-request',
    language: report.language,
    senderVersion: report.sender_version,
    draft: null,
    state: 'new',
  });
  const state = policy === 'off' ? 'suggested' : policy === 'with-owner-approval' ? 'awaiting-owner' : 'building';
  const row = await db
    .insertInto('mail_inbox_reporter_changes')
    .values({ org_id: token.org_id, app_id: report.app_id, thread_id: report.thread_id, message_id: messageId, reporter_id: token.user_id, change_text: input.change, policy, state })
    .returning(['id', 'org_id', 'app_id', 'message_id', 'reporter_id', 'change_text'])
    .executeTakeFirstOrThrow();
  const message = (await findInboxMessage(db, token.org_id, messageId, { userId: null, admin: true }))!;
  const approval = policy === 'with-owner-approval';
  const summary = approval
    ? report.language === 'pl'
      ? `Zgłaszający prosi o zmianę: ${input.change}. Zbudujemy ją dopiero po zgodzie właściciela: zatwierdź lub odrzuć ją na stronie wiadomości.`
      : `The reporter asks for a change: ${input.change}. It is built only once an owner approves it: approve or reject it on the message's page (Messages), or POST /api/v1/messages/${messageId}/reporter-change.`
    : `CHANGE: ${input.change}`;
  const tellOwners = async () =>
    mailOwners(deps, { orgId: token.org_id, inboxId: messageId, appTitle: report.app_title, owners: await appOwnerUserIds(db, report.app_id), reporterUserId: token.user_id, sender: input.reporterAddress, subject: input.subject, summary, body: input.text, classification: approval ? 'change-approval' : 'change-request', language: report.language });
  if (policy === 'off') {
    await tellOwners();
    await answer(deps, token.org_id, message, 'suggested');
    return 'reporter-change:suggested';
  }
  if (policy === 'with-owner-approval') {
    await tellOwners();
    await answer(deps, token.org_id, message, 'awaiting-owner');
    return 'reporter-change:awaiting-owner';
  }
  const ownerId = ownsApp ? token.user_id : await actingOwner(db, report.app_id);
  if (!ownerId) {
    // An app nobody owns any more: nobody could publish it, so it stays a suggestion for whoever takes it over.
    await db.updateTable('mail_inbox_reporter_changes').set({ state: 'suggested' }).where('id', '=', row.id).execute();
    await answer(deps, token.org_id, message, 'suggested');
    return 'reporter-change:suggested';
  }
  const built = await buildReporterChange(deps, row, ownerId);
  if (built === 'needs-answer') await tellOwners();
  return `reporter-change:${built}`;
}

/**
 * An owner's decision on a reporter's change waiting for approval: approve builds it on that owner's
 * behalf (the reporter named in the changelog), reject tells the reporter the owner's reason.
 */
export async function decideReporterChange(deps: InboxChangeDeps, input: { orgId: string; userId: string | null; messageId: string; decision: 'approve' | 'reject'; reason?: string | undefined }): Promise<{ state: 'rejected' | 'building' | 'needs-answer' }> {
  const { db } = deps;
  const message = await findInboxMessage(db, input.orgId, input.messageId, { userId: null, admin: true });
  if (!message || message.direction !== 'in') throw new MailProcessingError('MESSAGE_NOT_FOUND', `No message ${input.messageId} in your organisation's inbox; see GET /api/v1/messages.`);
  if (!input.userId || !(await appOwnerUserIds(db, message.app_id)).includes(input.userId)) {
    throw new MailProcessingError('APP_OWNER_REQUIRED', `Only an owner of "${message.app_title}" may approve or reject a change its reporter asked for.`);
  }
  const claimed = await db
    .updateTable('mail_inbox_reporter_changes')
    .set({ state: input.decision === 'approve' ? 'building' : 'rejected', decided_by: input.userId, decided_at: new Date(), reason: input.reason ?? null })
    .where('org_id', '=', input.orgId)
    .where('message_id', '=', message.id)
    .where('state', '=', 'awaiting-owner')
    .returning(['id', 'org_id', 'app_id', 'message_id', 'reporter_id', 'change_text'])
    .executeTakeFirst();
  if (!claimed) throw new MailProcessingError('REPORTER_CHANGE_NOT_PENDING', `Message ${message.id} is no change waiting for an owner's approval (it was decided already, or the policy did not ask for one); see GET /api/v1/messages/${message.id}.`);
  if (input.decision === 'reject') {
    await answer(deps, input.orgId, message, 'rejected', { reason: input.reason?.trim() || '' });
    return { state: 'rejected' };
  }
  let built: Awaited<ReturnType<typeof buildReporterChange>>;
  try {
    built = await buildReporterChange(deps, claimed, input.userId);
  } catch (error) {
    await db.updateTable('mail_inbox_reporter_changes').set({ state: 'awaiting-owner', decided_by: null, decided_at: null }).where('id', '=', claimed.id).execute();
    throw error;
  }
  if (built === 'not-understood') {
    // Nothing changed: it waits again, and the owner may reject it with a reason.
    await db.updateTable('mail_inbox_reporter_changes').set({ state: 'awaiting-owner', decided_by: null, decided_at: null }).where('id', '=', claimed.id).execute();
    throw new MailProcessingError('CHANGE_NOT_UNDERSTOOD', `The change was not understood, so nothing was built; the reporter was told how to put it. Reject it with a reason, or make the change yourself with "Reply and change the app".`);
  }
  return { state: built };
}

/** The reporter change recorded for an inbox message (the reporter's reply), for the thread view. */
export function reporterChangeOf(db: Db, orgId: string, messageId: string) {
  return db.selectFrom('mail_inbox_reporter_changes').select(['id', 'change_text', 'policy', 'state', 'decided_by', 'decided_at', 'reason', 'created_at']).where('org_id', '=', orgId).where('message_id', '=', messageId).executeTakeFirst();
}
