import type { Db } from '../../db/schema.js';

/**
 * Which organisation a message was sent to, told from its envelope recipients only (what the
 * receiving side recorded: the hub's RCPT TO of the service address, or Delivered-To in the service
 * mailbox), never from To/Cc headers the sender wrote. Every such recipient is the service address
 * or one of its reply addresses, which all organisations on this server share, so:
 *   - a reply address (`<local>+<token>@…`): the organisation of the conversation the token belongs to;
 *   - otherwise: the organisation, when this server has exactly one.
 * Null when it cannot be told (several organisations, no token; or tokens of two organisations).
 */
export async function recipientOrganisation(db: Db, envelopeTo: readonly string[]): Promise<string | null> {
  const tokens = envelopeTo.flatMap((address) => {
    const match = /^[^@+]+\+([a-z0-9]{6,40})@/i.exec(address);
    return match ? [match[1]!.toLowerCase()] : [];
  });
  if (tokens.length) {
    const orgs = await db.selectFrom('conversations').select('org_id').distinct().where('mail_token', 'in', tokens).execute();
    return orgs.length === 1 ? orgs[0]!.org_id : null;
  }
  const orgs = await db.selectFrom('organizations').select('id').limit(2).execute();
  return orgs.length === 1 ? orgs[0]!.id : null;
}
