import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import { storeIncomingMail } from '../mail-intake/incoming-mail-repository.js';
import { mailboxEnvelope } from '../mail-intake/poll-mailbox.js';
import type { GmailApi, GmailMessageRef } from './gmail-api.js';
import { GmailError } from './gmail-error.js';
import { knownGmailIds, recordGmailMessage, recordPass, type GmailConnectionRow } from './gmail-repository.js';

/** A full resync reads at most this many of the newest inbox messages (older ones were read before the history expired). */
const RESYNC_MAX_MESSAGES = 500;
/** One history pass reads at most this many pages (500 entries each); the rest waits for the next pass. */
const HISTORY_MAX_PAGES = 20;

export interface SyncResult {
  /** New messages stored in incoming_mail. */
  imported: number;
  /** Listed again but already stored (by Gmail id or Message-ID). */
  duplicates: number;
  /** The stored history id was too old (404): the inbox was listed instead. */
  resynced: boolean;
}

/**
 * One pass over a connected mailbox: what was added to the inbox since the stored history id
 * (users.history.list), or — when Gmail no longer keeps that history (404) or none is stored — the newest
 * inbox messages (users.messages.list). Each new message is fetched raw and stored in incoming_mail with its
 * Gmail id in one transaction; the history id advances only after all are stored. A crash anywhere repeats
 * the pass, and the Gmail id (then the Message-ID) makes the repeat a no-op: nothing lost, nothing twice.
 */
export async function syncGmailConnection(db: Db, api: GmailApi, connection: GmailConnectionRow, log: Pick<Logger, 'info'>): Promise<SyncResult> {
  let listed: { refs: GmailMessageRef[]; historyId: string; resynced: boolean };
  try {
    listed = connection.history_id ? await fromHistory(api, connection.history_id) : await fullResync(api);
  } catch (error) {
    if (!(error instanceof GmailError && error.gmailCode === 'GMAIL_HISTORY_EXPIRED')) throw error;
    log.info({ connectionId: connection.id }, 'Gmail history expired; listing the inbox again');
    listed = await fullResync(api);
  }
  const unique = [...new Map(listed.refs.map((ref) => [ref.id, ref])).values()];
  const known = await knownGmailIds(db, connection.id, unique.map((ref) => ref.id));
  let imported = 0;
  let duplicates = known.size;
  for (const ref of unique) {
    if (known.has(ref.id)) continue;
    const message = await api.rawMessage(ref.id);
    // Mail the mailbox sent or drafted is not incoming mail.
    if (message.labelIds.includes('SENT') || message.labelIds.includes('DRAFT')) continue;
    const fresh = await db.transaction().execute(async (trx) => {
      const stored = await storeIncomingMail(trx, message.raw, mailboxEnvelope(message.raw, connection.email));
      await recordGmailMessage(trx, { connectionId: connection.id, gmailId: message.ref.id, threadId: message.ref.threadId, messageId: stored.messageId, direction: 'in' });
      return stored.fresh;
    });
    if (fresh) imported += 1;
    else duplicates += 1;
  }
  await recordPass(db, connection.id, { historyId: listed.historyId, imported });
  return { imported, duplicates, resynced: listed.resynced };
}

async function fromHistory(api: GmailApi, startHistoryId: string) {
  const refs: GmailMessageRef[] = [];
  let pageToken: string | undefined;
  let historyId = startHistoryId;
  for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
    const answer = await api.history(startHistoryId, pageToken);
    for (const entry of answer.history ?? []) {
      for (const added of entry.messagesAdded ?? []) refs.push({ id: added.message.id, threadId: added.message.threadId });
      // Stop at the last entry read, so a pass cut off by the page limit resumes after it.
      if (/^\d+$/.test(entry.id)) historyId = maxId(historyId, entry.id);
    }
    pageToken = answer.nextPageToken;
    if (!pageToken) {
      historyId = maxId(historyId, answer.historyId);
      break;
    }
  }
  return { refs, historyId, resynced: false };
}

async function fullResync(api: GmailApi) {
  // The profile's history id is taken first: whatever arrives while listing is in the next pass's history.
  const { historyId } = await api.profile();
  const refs: GmailMessageRef[] = [];
  let pageToken: string | undefined;
  do {
    const page = await api.listInbox(pageToken);
    refs.push(...(page.messages ?? []));
    pageToken = page.nextPageToken;
  } while (pageToken && refs.length < RESYNC_MAX_MESSAGES);
  // Oldest first, as they arrived.
  return { refs: refs.slice(0, RESYNC_MAX_MESSAGES).reverse(), historyId, resynced: true };
}

/** One pass that records its failure on the connection (shown in Admin → Gmail; revoked grants stop being read), then throws it. */
export async function syncAndRecord(db: Db, api: GmailApi, connection: GmailConnectionRow, log: Pick<Logger, 'info' | 'warn'>): Promise<SyncResult> {
  try {
    return await syncGmailConnection(db, api, connection, log);
  } catch (error) {
    const code = error instanceof GmailError ? error.gmailCode : 'GMAIL_UNAVAILABLE';
    // Only the code and our own words: never a token, never mail content.
    log.warn({ connectionId: connection.id, code, reason: (error as Error).message.slice(0, 300) }, 'could not read the Gmail mailbox');
    await recordPass(db, connection.id, { error: `${code}: ${(error as Error).message}`, revoked: code === 'GMAIL_REVOKED' }).catch(() => undefined);
    throw error;
  }
}

const maxId = (a: string, b: string) => (BigInt(a) >= BigInt(b) ? a : b);
