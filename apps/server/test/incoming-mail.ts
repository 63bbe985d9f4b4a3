import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { ConversationServices } from '../src/modules/conversations/conversation-services.js';
import { decideIncomingMail, type IncomingMailOptions, type IncomingMailOutcome } from '../src/modules/conversations/mail-conversations.js';
import { processNextIncomingMail } from '../src/modules/mail-intake/incoming-mail-queue.js';
import { storeIncomingMail, type Envelope } from '../src/modules/mail-intake/incoming-mail-repository.js';
import type { Db } from '../src/db/schema.js';

/** The recorded outcome of a stored message once it has one ('duplicate' for a copy that was not the first). */
async function outcomeOf(db: Db, messageId: string, fresh: boolean, processWaiting: () => Promise<boolean>): Promise<IncomingMailOutcome> {
  for (const started = Date.now(); Date.now() - started < 60_000; ) {
    const row = await db.selectFrom('incoming_mail').select(['state', 'outcome', 'conversation_id']).where('message_id', '=', messageId).executeTakeFirstOrThrow();
    if (row.state === 'done' || row.state === 'quarantined') return fresh ? { messageId, outcome: row.outcome ?? row.state, conversationId: row.conversation_id } : { messageId, outcome: 'duplicate', conversationId: null };
    if (!(await processWaiting())) await sleep(20);
  }
  throw new Error(`no outcome recorded for ${messageId}`);
}

/**
 * Mail as the service mailbox hands it over: stored in incoming_mail, then the app's own mail queue
 * (status reports, then conversations) records its outcome.
 */
export async function deliverToQueue(app: FastifyInstance, raw: Buffer, envelopeFrom: string, recipient: string): Promise<IncomingMailOutcome> {
  const { messageId, fresh } = await storeIncomingMail(app.db, raw, { from: envelopeFrom, to: [recipient] });
  app.mailQueue.kick();
  return outcomeOf(app.db, messageId, fresh, async () => false);
}

/**
 * Stores one message and runs the mail queue's processing (processNextIncomingMail: the claim,
 * outcome and quarantine every message gets) with the conversations handler of `services` and
 * `options` (a changed config, a DNS table), until the message has its outcome. `afterStore` runs
 * between storing and processing.
 */
export async function handleIncomingMail(services: ConversationServices, raw: Buffer, envelope: Envelope, options: IncomingMailOptions & { afterStore?: () => Promise<void> } = {}): Promise<IncomingMailOutcome> {
  const { messageId, fresh } = await storeIncomingMail(services.db, raw, envelope);
  await options.afterStore?.();
  const work = { db: services.db, dataDir: services.config.dataDir, logger: services.logger, handle: (row: Parameters<typeof decideIncomingMail>[1], body: Buffer) => decideIncomingMail(services, row, body, options) };
  return outcomeOf(services.db, messageId, fresh, () => processNextIncomingMail(work));
}
