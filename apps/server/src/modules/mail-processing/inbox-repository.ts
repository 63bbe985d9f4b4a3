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

const inboxColumns = ['mail_inbox.id', 'mail_inbox.app_id', 'apps.name as app_name', 'apps.title as app_title', 'mail_inbox.thread_id', 'mail_inbox.direction', 'mail_inbox.message_id', 'mail_inbox.refs', 'mail_inbox.sender', 'mail_inbox.subject', 'mail_inbox.body', 'mail_inbox.summary', 'mail_inbox.classification', 'mail_inbox.language', 'mail_inbox.sender_version', 'mail_inbox.draft', 'mail_inbox.state', 'mail_inbox.replied_at', 'mail_inbox.created_at'] as const;

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
