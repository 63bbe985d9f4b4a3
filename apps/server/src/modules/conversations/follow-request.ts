import type { Language } from '@marketplace/spec';
import type { ConversationServices } from './conversation-services.js';
import { getConversation, saveTurn, type ConversationRow } from './conversation-repository.js';
import { deliverySkipped } from '../pipeline/requests-repository.js';
import { deliveredReply, failedReply } from './reply-text.js';

/**
 * A building conversation follows its request: when the request is published the conversation
 * becomes `delivered` and tells the user the release is on its way; when it failed, it goes back
 * to `ready` with the reason, so the user can change the spec or build again.
 */
export async function followRequest(services: ConversationServices, conversation: ConversationRow): Promise<ConversationRow> {
  if (conversation.state !== 'building' || !conversation.request_id) return conversation;
  const request = await services.db.selectFrom('requests').select(['state', 'version', 'error', 'user_id', 'delivery_skipped']).where('id', '=', conversation.request_id).executeTakeFirst();
  if (!request || (request.state !== 'published' && request.state !== 'failed')) return conversation;
  const language: Language = conversation.language === 'pl' ? 'pl' : 'en';
  const moved = await services.db
    .updateTable('conversations')
    .set({ state: request.state === 'published' ? 'delivered' : 'ready', updated_at: new Date() })
    .where('id', '=', conversation.id)
    .where('state', '=', 'building')
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) === 1) {
    const sent = request.state === 'published' ? await deliveriesOf(services, conversation.request_id, request.user_id) : 0;
    const text = request.state === 'published' ? deliveredReply(language, conversation.title, request.version, sent, sent ? undefined : await deliverySkipped(services.db, { org_id: conversation.org_id, delivery_skipped: request.delivery_skipped })) : failedReply(language, conversation.title, request.error as Parameters<typeof failedReply>[2]);
    await saveTurn(services, conversation, [{ role: 'assistant', text, language, details: { requestId: conversation.request_id, requestState: request.state } }], {});
  }
  return getConversation(services.db, conversation.org_id, conversation.id);
}

/** How many of the requester's workstations the published release went to (the Deliver step's count). */
async function deliveriesOf(services: ConversationServices, requestId: string, userId: string | null): Promise<number> {
  if (!userId) return 0;
  const row = await services.db
    .selectFrom('deliveries')
    .innerJoin('app_versions', 'app_versions.id', 'deliveries.version_id')
    .select((eb) => eb.fn.count<string>('deliveries.id').as('count'))
    .where('app_versions.request_id', '=', requestId)
    .where('deliveries.user_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
