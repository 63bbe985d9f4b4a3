import type { Db } from '../../db/schema.js';
import type { MailRule } from './mail-rules.js';
import type { StageRecord } from './mail-processing-tables.js';

/** Which of the marketplace's own messages a reply answers (a word of the catalogs: `words.mail.threads`). */
export type ThreadVia = 'inbox' | 'release' | 'conversation';

/** The app a thread concerns, from the marketplace's own Message-IDs it answers (release mail, inbox replies, conversation answers). */
export async function appOfThread(db: Db, orgId: string, refs: string[]): Promise<{ appId: string | null; via: ThreadVia; threadId?: string } | null> {
  if (!refs.length) return null;
  const inbox = await db.selectFrom('mail_inbox').select(['app_id', 'thread_id']).where('org_id', '=', orgId).where('message_id', 'in', refs).orderBy('created_at', 'desc').executeTakeFirst();
  if (inbox) return { appId: inbox.app_id, via: 'inbox', threadId: inbox.thread_id };
  const delivery = await db.selectFrom('deliveries').select('app_id').where('org_id', '=', orgId).where('message_id', 'in', refs).executeTakeFirst();
  if (delivery) return { appId: delivery.app_id, via: 'release' };
  const conversation = await db
    .selectFrom('conversation_mail_ids')
    .innerJoin('conversations', 'conversations.id', 'conversation_mail_ids.conversation_id')
    .leftJoin('requests', 'requests.id', 'conversations.request_id')
    .select(['requests.app_id'])
    .where('conversation_mail_ids.org_id', '=', orgId)
    .where('conversation_mail_ids.direction', '=', 'out')
    .where('conversation_mail_ids.message_id', 'in', refs)
    .executeTakeFirst();
  if (conversation) return { appId: conversation.app_id ?? null, via: 'conversation' };
  return null;
}

/** The organisation's apps, for finding one named in a message. */
export function orgApps(db: Db, orgId: string) {
  return db.selectFrom('apps').select(['id', 'name', 'title']).where('org_id', '=', orgId).orderBy('name').limit(1000).execute();
}

/** What the user runs: their agents' deployments not removed, newest first. */
export function senderDeployments(db: Db, orgId: string, userId: string) {
  return db
    .selectFrom('deployments')
    .innerJoin('agents', 'agents.id', 'deployments.agent_id')
    .select(['deployments.app_id', 'deployments.app', 'deployments.version', 'deployments.state'])
    .where('deployments.org_id', '=', orgId)
    .where('agents.user_id', '=', userId)
    .where('deployments.state', 'not in', ['removed', 'replaced'])
    .orderBy('deployments.updated_at', 'desc')
    .limit(200)
    .execute();
}

/** The organisation's rule set in force: its newest saved version, or null (the default rules, version 0). */
export async function currentRuleSet(db: Db, orgId: string): Promise<{ version: number; rules: MailRule[]; createdAt: Date } | null> {
  const row = await db.selectFrom('mail_rule_sets').select(['version', 'rules', 'created_at']).where('org_id', '=', orgId).orderBy('version', 'desc').executeTakeFirst();
  return row ? { version: row.version, rules: row.rules as MailRule[], createdAt: row.created_at } : null;
}

/** Saves a new version (one more than the newest); a concurrent save of the same version fails on the key and is tried once more. */
export async function saveRuleSet(db: Db, orgId: string, rules: MailRule[], userId: string | null): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const latest = await currentRuleSet(db, orgId);
    const version = (latest?.version ?? 0) + 1;
    try {
      await db.insertInto('mail_rule_sets').values({ org_id: orgId, version, rules: JSON.stringify(rules), created_by: userId }).execute();
      return version;
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}

export interface NewAnalysis {
  incomingMailId: string;
  orgId: string | null;
  messageId: string;
  sender: string;
  subject: string;
  stages: Record<string, StageRecord>;
  classification: string;
  spam: boolean;
  language: string;
  appId: string | null;
  summary: string;
  route: string;
  labels: string[];
  ruleVersion: number;
}

/** One record per incoming message: a message processed again (released from quarantine) replaces its record. */
export async function saveAnalysis(db: Db, a: NewAnalysis): Promise<string> {
  const values = analysisValues(a);
  const row = await db
    .insertInto('mail_analyses')
    .values({ incoming_mail_id: a.incomingMailId, ...values })
    .onConflict((oc) => oc.column('incoming_mail_id').doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records of several messages in one statement (each replaces an earlier record of its message, as saveAnalysis does). */
export async function saveAnalyses(db: Db, analyses: NewAnalysis[]): Promise<void> {
  if (analyses.length === 0) return;
  await db
    .insertInto('mail_analyses')
    .values(analyses.map((a) => ({ incoming_mail_id: a.incomingMailId, ...analysisValues(a) })))
    .onConflict((oc) =>
      oc.column('incoming_mail_id').doUpdateSet((eb) => ({
        org_id: eb.ref('excluded.org_id'),
        message_id: eb.ref('excluded.message_id'),
        sender: eb.ref('excluded.sender'),
        subject: eb.ref('excluded.subject'),
        stages: eb.ref('excluded.stages'),
        classification: eb.ref('excluded.classification'),
        spam: eb.ref('excluded.spam'),
        language: eb.ref('excluded.language'),
        app_id: eb.ref('excluded.app_id'),
        summary: eb.ref('excluded.summary'),
        route: eb.ref('excluded.route'),
        labels: eb.ref('excluded.labels'),
        rule_version: eb.ref('excluded.rule_version'),
      })),
    )
    .execute();
}

const analysisValues = (a: NewAnalysis) => ({
  org_id: a.orgId,
  message_id: a.messageId,
  sender: a.sender,
  subject: a.subject,
  stages: JSON.stringify(a.stages),
  classification: a.classification,
  spam: a.spam,
  language: a.language,
  app_id: a.appId,
  summary: a.summary,
  route: a.route,
  labels: a.labels,
  rule_version: a.ruleVersion,
});

export function listAnalyses(db: Db, orgId: string, filter: { limit: number; offset: number; classification?: string | undefined; route?: string | undefined }) {
  let query = db.selectFrom('mail_analyses').selectAll().where('org_id', '=', orgId);
  if (filter.classification) query = query.where('classification', '=', filter.classification);
  if (filter.route) query = query.where('route', '=', filter.route);
  return query.orderBy('created_at', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

export function findAnalysis(db: Db, orgId: string, id: string) {
  return db.selectFrom('mail_analyses').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}
