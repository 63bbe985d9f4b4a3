import type { ConversationServices } from './conversation-services.js';
import { followRequest } from './follow-request.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { bareSubject } from '../outgoing-mail/send-templated-mail.js';
import { sendConversationMail } from './conversation-mail.js';

/**
 * Conversations started by mail learn about their build by mail: for each building email
 * conversation whose request has finished, the assistant's new message (release on its way,
 * or why it failed) is sent in the same thread. Run it on an interval (e.g. every 30 s).
 * Returns how many mails were sent.
 */
export async function followEmailConversations(services: ConversationServices): Promise<number> {
  if (!services.mail.sender) return 0;
  const building = await services.db.selectFrom('conversations').selectAll().where('channel', '=', 'email').where('state', '=', 'building').limit(500).execute();
  let sent = 0;
  for (const before of building) {
    const after = await followRequest(services, before);
    if (after.state === 'building') continue;
    const user = await services.db.selectFrom('users').select('email').where('id', '=', after.user_id).executeTakeFirst();
    const last = await services.db.selectFrom('conversation_messages').select('text').where('conversation_id', '=', after.id).where('role', '=', 'assistant').orderBy('position', 'desc').limit(1).executeTakeFirst();
    if (!user || !last) continue;
    const ids = await services.db.selectFrom('conversation_mail_ids').select('message_id').where('conversation_id', '=', after.id).orderBy('created_at').execute();
    const references = ids.map((i) => i.message_id).slice(-10);
    const language = await mailLanguageFor(services.db, after.org_id, { answered: after.language });
    const messageId = await sendConversationMail(services, { orgId: after.org_id, kind: 'build-news', language, params: { subject: bareSubject(after.title, after.title), text: last.text }, token: after.mail_token, to: user.email, ...(references.length ? { inReplyTo: references.at(-1)!, references } : {}) });
    if (!messageId) continue;
    await services.db.insertInto('conversation_mail_ids').values({ message_id: messageId, conversation_id: after.id, org_id: after.org_id, direction: 'out' }).execute();
    sent++;
  }
  return sent;
}
