import type { Db } from '../../db/schema.js';

export interface NewInboxMessage {
  orgId: string;
  appId: string;
  threadId?: string | undefined;
  direction: 'in' | 'out';
  analysisId: string | null;
  messageId: string;
  refs: string[];
  sender: string;
  userId: string | null;
  subject: string;
  body: string;
  summary: string;
  classification: string;
  language: string;
  senderVersion: string | null;
  draft: string | null;
  state: 'new' | 'sent';
}

/** Adds a message to an app's inbox; the first of a thread is its own thread. */
export async function insertInboxMessage(db: Db, m: NewInboxMessage): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .insertInto('mail_inbox')
    .values({
      id,
      org_id: m.orgId,
      app_id: m.appId,
      thread_id: m.threadId ?? id,
      direction: m.direction,
      analysis_id: m.analysisId,
      message_id: m.messageId,
      refs: m.refs,
      sender: m.sender,
      user_id: m.userId,
      subject: m.subject,
      body: m.body,
      summary: m.summary,
      classification: m.classification,
      language: m.language,
      sender_version: m.senderVersion,
      draft: m.draft,
      state: m.state,
    })
    .execute();
  return id;
}

/** Whom an inbox entry concerns: the app's owners (users, and members of owner groups). */
export async function appOwnerUserIds(db: Db, appId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('app_owners')
    .leftJoin('group_members', 'group_members.group_id', 'app_owners.group_id')
    .select(['app_owners.user_id', 'group_members.user_id as member_id'])
    .where('app_owners.app_id', '=', appId)
    .execute();
  return [...new Set(rows.flatMap((r) => [r.user_id, r.member_id]).filter((v): v is string => Boolean(v)))];
}

/** The apps whose inbox a user may read: apps they own directly or through a group. */
function ownedApps(db: Db, userId: string) {
  return db
    .selectFrom('app_owners')
    .select('app_id')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('group_id', 'in', eb.selectFrom('group_members').select('group_id').where('user_id', '=', userId))]));
}

const inboxColumns = ['mail_inbox.id', 'mail_inbox.app_id', 'apps.name as app_name', 'apps.title as app_title', 'mail_inbox.thread_id', 'mail_inbox.direction', 'mail_inbox.message_id', 'mail_inbox.refs', 'mail_inbox.sender', 'mail_inbox.user_id', 'mail_inbox.subject', 'mail_inbox.body', 'mail_inbox.summary', 'mail_inbox.classification', 'mail_inbox.language', 'mail_inbox.sender_version', 'mail_inbox.draft', 'mail_inbox.state', 'mail_inbox.replied_at', 'mail_inbox.created_at'] as const;

/** Incoming inbox messages the caller may see (all of the organisation's for an admin), newest first. */
export function listInbox(db: Db, orgId: string, viewer: { userId: string | null; admin: boolean }, filter: { limit: number; offset: number; appId?: string | undefined }) {
  let query = db.selectFrom('mail_inbox').innerJoin('apps', 'apps.id', 'mail_inbox.app_id').select([...inboxColumns]).where('mail_inbox.org_id', '=', orgId).where('mail_inbox.direction', '=', 'in');
  if (!viewer.admin) query = viewer.userId ? query.where('mail_inbox.app_id', 'in', ownedApps(db, viewer.userId)) : query.where((eb) => eb.val(false));
  if (filter.appId) query = query.where('mail_inbox.app_id', '=', filter.appId);
  return query.orderBy('mail_inbox.created_at', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

/** One inbox message the caller may see, or undefined (another organisation's, or an app they do not own). */
export function findInboxMessage(db: Db, orgId: string, id: string, viewer: { userId: string | null; admin: boolean }) {
  let query = db.selectFrom('mail_inbox').innerJoin('apps', 'apps.id', 'mail_inbox.app_id').select([...inboxColumns]).where('mail_inbox.org_id', '=', orgId).where('mail_inbox.id', '=', id);
  if (!viewer.admin) query = viewer.userId ? query.where('mail_inbox.app_id', 'in', ownedApps(db, viewer.userId)) : query.where((eb) => eb.val(false));
  return query.executeTakeFirst();
}

/** Every message of a thread, oldest first. */
export function threadMessages(db: Db, orgId: string, threadId: string) {
  return db.selectFrom('mail_inbox').innerJoin('apps', 'apps.id', 'mail_inbox.app_id').select([...inboxColumns]).where('mail_inbox.org_id', '=', orgId).where('mail_inbox.thread_id', '=', threadId).orderBy('mail_inbox.created_at', 'asc').limit(200).execute();
}

export async function markReplied(db: Db, id: string): Promise<void> {
  await db.updateTable('mail_inbox').set({ state: 'replied', replied_at: new Date() }).where('id', '=', id).execute();
}

/** Records an owner's change reply on a thread (the link thread → conversation → request). */
export async function insertInboxChange(db: Db, c: { orgId: string; appId: string; threadId: string; messageId: string; requestedBy: string; changeText: string; conversationId: string | null; requestId: string | null }): Promise<string> {
  const row = await db
    .insertInto('mail_inbox_changes')
    .values({ org_id: c.orgId, app_id: c.appId, thread_id: c.threadId, message_id: c.messageId, requested_by: c.requestedBy, change_text: c.changeText, conversation_id: c.conversationId, request_id: c.requestId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setChangeReply(db: Db, id: string, replyId: string): Promise<void> {
  await db.updateTable('mail_inbox_changes').set({ reply_id: replyId }).where('id', '=', id).execute();
}

/** The change replies of a thread with where their build is: the request named, or the one the conversation started later. */
export function threadChanges(db: Db, orgId: string, threadId: string) {
  return db
    .selectFrom('mail_inbox_changes')
    .leftJoin('conversations', 'conversations.id', 'mail_inbox_changes.conversation_id')
    .leftJoin('requests', (join) => join.on((eb) => eb.or([eb('requests.id', '=', eb.ref('mail_inbox_changes.request_id')), eb('requests.id', '=', eb.ref('conversations.request_id'))])))
    .select(['mail_inbox_changes.id', 'mail_inbox_changes.change_text', 'mail_inbox_changes.conversation_id', 'mail_inbox_changes.notified_at', 'mail_inbox_changes.created_at', 'requests.id as request_id', 'requests.state as request_state', 'requests.version', 'requests.error'])
    .where('mail_inbox_changes.org_id', '=', orgId)
    .where('mail_inbox_changes.thread_id', '=', threadId)
    .orderBy('mail_inbox_changes.created_at', 'asc')
    .execute();
}

/** Change replies built by this request whose reporter was not told yet, with the message they answered. */
export function unnotifiedChanges(db: Db, orgId: string, requestId: string) {
  return db
    .selectFrom('mail_inbox_changes')
    .innerJoin('mail_inbox', 'mail_inbox.id', 'mail_inbox_changes.message_id')
    .innerJoin('apps', 'apps.id', 'mail_inbox_changes.app_id')
    .select(['mail_inbox_changes.id as change_id', 'mail_inbox_changes.requested_by', ...inboxColumns])
    .where('mail_inbox_changes.org_id', '=', orgId)
    .where('mail_inbox_changes.notified_at', 'is', null)
    .where((eb) => eb.or([eb('mail_inbox_changes.request_id', '=', requestId), eb('mail_inbox_changes.conversation_id', 'in', eb.selectFrom('conversations').select('id').where('request_id', '=', requestId))]))
    .execute();
}

/** Claims the reporter's notification (one process, once); false when another already did. */
export async function claimNotification(db: Db, changeId: string, version: string): Promise<boolean> {
  const row = await db.updateTable('mail_inbox_changes').set({ notified_at: new Date(), notified_version: version }).where('id', '=', changeId).where('notified_at', 'is', null).returning('id').executeTakeFirst();
  return Boolean(row);
}

export async function releaseNotification(db: Db, changeId: string): Promise<void> {
  await db.updateTable('mail_inbox_changes').set({ notified_at: null, notified_version: null }).where('id', '=', changeId).execute();
}

/** A request's state and version, in the organisation. */
export function requestOutcome(db: Db, orgId: string, requestId: string) {
  return db.selectFrom('requests').select(['state', 'version']).where('id', '=', requestId).where('org_id', '=', orgId).executeTakeFirst();
}
