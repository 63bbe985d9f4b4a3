import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/schema.js';
import type { ConversationChannel, ConversationState } from './conversations-tables.js';
import { NotFoundError } from '../../errors/app-error.js';
import type { EventBus } from '../events/event-bus.js';

export type ConversationRow = Awaited<ReturnType<typeof getConversation>>;

export interface StoredMessage {
  role: 'user' | 'assistant';
  text: string;
  language: string;
  spec?: object | null;
  actions?: unknown[];
  details?: Record<string, unknown>;
}

/** A new conversation; with `draft` it starts ready, from that finished spec (a change to an app that exists). */
export async function createConversation(db: Db, input: { orgId: string; userId: string; channel: ConversationChannel; language: string; draft?: { spec: object; title: string } }) {
  const id = randomUUID();
  const start = input.draft ? { state: 'ready' as const, title: input.draft.title, spec: JSON.stringify(input.draft.spec), missing: [] } : { state: 'gathering' as const, title: '', spec: '{}', missing: ['description'] };
  await db
    .insertInto('conversations')
    .values({ id, org_id: input.orgId, user_id: input.userId, channel: input.channel, ...start, language: input.language, mail_token: randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').toLowerCase() })
    .execute();
  return getConversation(db, input.orgId, id);
}

/** A conversation of the org; `userId` narrows it to its owner (conversations are private to whoever started them). */
export async function getConversation(db: Db, orgId: string, id: string, userId?: string) {
  let query = db.selectFrom('conversations').selectAll().where('org_id', '=', orgId).where('id', '=', id);
  if (userId) query = query.where('user_id', '=', userId);
  const row = await query.executeTakeFirst();
  if (!row) throw new NotFoundError('Conversation', id);
  return row;
}

export async function listMessages(db: Db, conversationId: string) {
  return db.selectFrom('conversation_messages').selectAll().where('conversation_id', '=', conversationId).orderBy('position').execute();
}

/** Appends messages and updates the conversation in one transaction, then tells the owner's open pages (event `conversation`). */
export async function saveTurn(services: { db: Db; events: EventBus }, conversation: { id: string; org_id: string; user_id: string }, messages: StoredMessage[], update: Partial<{ state: ConversationState; title: string; spec: object; missing: string[]; language: string; request_id: string }>) {
  const saved = await services.db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('conversation_messages').select((eb) => eb.fn.max('position').as('p')).where('conversation_id', '=', conversation.id).executeTakeFirst();
    let position = Number(last?.p ?? -1);
    for (const message of messages) {
      position++;
      await trx
        .insertInto('conversation_messages')
        .values({
          id: randomUUID(),
          conversation_id: conversation.id,
          org_id: conversation.org_id,
          position,
          role: message.role,
          text: message.text,
          language: message.language,
          spec: message.spec ? JSON.stringify(message.spec) : null,
          actions: JSON.stringify(message.actions ?? []),
          details: JSON.stringify(message.details ?? {}),
        })
        .execute();
    }
    const { spec, ...rest } = update;
    return trx
      .updateTable('conversations')
      .set({ ...rest, ...(spec ? { spec: JSON.stringify(spec) } : {}), updated_at: new Date() })
      .where('id', '=', conversation.id)
      .returning('state')
      .executeTakeFirstOrThrow();
  });
  services.events.publish({ orgId: conversation.org_id, type: 'conversation', data: { id: conversation.id, state: saved.state }, audience: { userId: conversation.user_id } });
}

/** A page of one user's conversations, most recent first, and their count. */
export async function listConversations(db: Db, who: { orgId: string; userId: string }, page: { limit: number; offset: number }) {
  const base = db.selectFrom('conversations').where('org_id', '=', who.orgId).where('user_id', '=', who.userId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('updated_at', 'desc').limit(page.limit).offset(page.offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Marks conversations still gathering or ready whose last turn is older than `idleHours` as abandoned; returns how many. */
export async function abandonIdleConversations(db: Db, idleHours: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - idleHours * 3_600_000);
  const rows = await db.updateTable('conversations').set({ state: 'abandoned' }).where('state', 'in', ['gathering', 'ready']).where('updated_at', '<', before).returning('id').execute();
  return rows.length;
}

/** A new message to an abandoned conversation resumes it where it was: gathering, or ready when nothing is missing. */
export async function resumeConversation(db: Db, conversation: ConversationRow): Promise<ConversationRow> {
  if (conversation.state !== 'abandoned') return conversation;
  const state: ConversationState = conversation.missing.length ? 'gathering' : 'ready';
  await db.updateTable('conversations').set({ state }).where('id', '=', conversation.id).where('state', '=', 'abandoned').execute();
  return { ...conversation, state };
}

/** The app a change conversation starts from: its title, published spec and latest version, in the organisation. */
export function appToChange(db: Db, orgId: string, appId: string) {
  return db.selectFrom('apps').select(['id', 'title', 'spec', 'latest_version']).where('org_id', '=', orgId).where('id', '=', appId).executeTakeFirst();
}
