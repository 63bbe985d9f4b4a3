import type { Selectable } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { GmailConnectionsTable } from './gmail-tables.js';

export type GmailConnectionRow = Selectable<GmailConnectionsTable>;

/** The connections of one organisation (admin page), newest first. */
export function listConnections(db: Db, orgId: string): Promise<GmailConnectionRow[]> {
  return db.selectFrom('gmail_connections').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').execute();
}

export function findConnection(db: Db, orgId: string, id: string): Promise<GmailConnectionRow | undefined> {
  return db.selectFrom('gmail_connections').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Every mailbox the server reads (all organisations: the service mailbox is the server's, like IMAP_HOST). */
export function readableConnections(db: Db): Promise<GmailConnectionRow[]> {
  return db.selectFrom('gmail_connections').selectAll().where('state', '<>', 'revoked').orderBy('created_at').execute();
}

/** The connected mailbox with this address (the Gmail transport sends as SMTP_FROM's address). */
export function connectionByEmail(db: Db, email: string): Promise<GmailConnectionRow | undefined> {
  return db.selectFrom('gmail_connections').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** A new connection, or a fresh grant for the same mailbox of the same organisation (reconnect); undefined when another organisation holds that mailbox. */
export async function saveConnection(db: Db, row: { id: string; orgId: string; email: string; refreshTokenSealed: (id: string) => string; scopes: string; historyId: string; userId: string }): Promise<GmailConnectionRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('gmail_connections').selectAll().where('email', '=', row.email).forUpdate().executeTakeFirst();
    if (existing && existing.org_id !== row.orgId) return undefined;
    if (existing) {
      // A reconnect keeps the history id: nothing that arrived meanwhile is skipped.
      return trx
        .updateTable('gmail_connections')
        .set({ refresh_token_sealed: row.refreshTokenSealed(existing.id), scopes: row.scopes, state: 'active', last_error: null, connected_by: row.userId, updated_at: new Date() })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return trx
      .insertInto('gmail_connections')
      .values({ id: row.id, org_id: row.orgId, email: row.email, refresh_token_sealed: row.refreshTokenSealed(row.id), scopes: row.scopes, history_id: row.historyId, state: 'active', last_error: null, last_sync_at: null, connected_by: row.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function deleteConnection(db: Db, orgId: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom('gmail_connections').where('org_id', '=', orgId).where('id', '=', id).returning('id').executeTakeFirst();
  return deleted !== undefined;
}

/** After a pass: where the next one starts, and how it went. */
export async function recordPass(db: Db, id: string, pass: { historyId?: string; error?: string | null; revoked?: boolean; imported?: number }): Promise<void> {
  await db
    .updateTable('gmail_connections')
    .set((eb) => ({
      ...(pass.historyId ? { history_id: pass.historyId } : {}),
      state: pass.revoked ? 'revoked' : pass.error ? 'failing' : 'active',
      last_error: pass.error ? pass.error.slice(0, 500) : null,
      last_sync_at: new Date(),
      imported: eb('imported', '+', pass.imported ?? 0),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .execute();
}

/** Which of these Gmail ids were imported already (a resync lists them again). */
export async function knownGmailIds(db: Db, connectionId: string, gmailIds: string[]): Promise<Set<string>> {
  if (gmailIds.length === 0) return new Set();
  const rows = await db.selectFrom('gmail_messages').select('gmail_id').where('connection_id', '=', connectionId).where('gmail_id', 'in', gmailIds).execute();
  return new Set(rows.map((row) => row.gmail_id));
}

export async function recordGmailMessage(db: Db, row: { connectionId: string; gmailId: string; threadId: string; messageId: string; direction: 'in' | 'out' }): Promise<void> {
  await db
    .insertInto('gmail_messages')
    .values({ connection_id: row.connectionId, gmail_id: row.gmailId, thread_id: row.threadId, message_id: row.messageId, direction: row.direction })
    .onConflict((oc) => oc.columns(['connection_id', 'gmail_id']).doNothing())
    .execute();
}

/** The Gmail thread of a message this mailbox holds (a reply names it in In-Reply-To). */
export async function threadOf(db: Db, connectionId: string, messageIds: string[]): Promise<string | undefined> {
  if (messageIds.length === 0) return undefined;
  const row = await db.selectFrom('gmail_messages').select('thread_id').where('connection_id', '=', connectionId).where('message_id', 'in', messageIds).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return row?.thread_id;
}

export async function insertAttempt(db: Db, row: { stateHash: string; orgId: string; userId: string; sessionBinding: string; codeVerifierSealed: string; expiresAt: Date }): Promise<void> {
  await db.deleteFrom('gmail_oauth_attempts').where('expires_at', '<', new Date()).execute();
  await db.insertInto('gmail_oauth_attempts').values({ state_hash: row.stateHash, org_id: row.orgId, user_id: row.userId, session_binding: row.sessionBinding, code_verifier_sealed: row.codeVerifierSealed, expires_at: row.expiresAt }).execute();
}

/** Takes the attempt (once: it is deleted), or undefined when unknown. */
export function takeAttempt(db: Db, stateHash: string) {
  return db.deleteFrom('gmail_oauth_attempts').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
}

/** Records a users.watch renewal. */
export async function recordWatch(db: Db, id: string, expiresAt: Date): Promise<void> {
  await db.updateTable('gmail_connections').set({ watch_expires_at: expiresAt, updated_at: new Date() }).where('id', '=', id).execute();
}
