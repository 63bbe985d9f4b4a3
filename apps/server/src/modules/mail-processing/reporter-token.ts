import { newAddressToken } from '../mail-intake/mail-reply.js';
import type { Db } from '../../db/schema.js';

/** The reply address issued to the reporter of one inbox thread: only mail from that reporter's account to it counts as theirs. */
export interface ReporterToken {
  token: string;
  org_id: string;
  user_id: string;
  thread_id: string;
  inbox_message_id: string;
}

const columns = ['token', 'org_id', 'user_id', 'thread_id', 'inbox_message_id'] as const;

export function reporterToken(db: Db, token: string): Promise<ReporterToken | undefined> {
  return db.selectFrom('mail_inbox_reporter_tokens').select([...columns]).where('token', '=', token).executeTakeFirst();
}

/**
 * The token of this reporter in this thread, issued once (`r` and 24 random base32-ish characters, like the
 * owners' `o…` tokens): the Reply-To of every mail the marketplace sends them in the thread, so their
 * reply is bound to the report and proven as theirs (decision 0047).
 */
export async function issueReporterToken(db: Db, input: { orgId: string; userId: string; threadId: string; inboxMessageId: string }): Promise<string> {
  const fresh = newAddressToken('r');
  await db
    .insertInto('mail_inbox_reporter_tokens')
    .values({ token: fresh, org_id: input.orgId, user_id: input.userId, thread_id: input.threadId, inbox_message_id: input.inboxMessageId })
    .onConflict((oc) => oc.columns(['thread_id', 'user_id']).doNothing())
    .execute();
  const row = await db.selectFrom('mail_inbox_reporter_tokens').select('token').where('thread_id', '=', input.threadId).where('user_id', '=', input.userId).executeTakeFirstOrThrow();
  return row.token;
}
