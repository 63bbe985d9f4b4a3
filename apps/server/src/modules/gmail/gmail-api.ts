import { z } from 'zod';
import { GmailError } from './gmail-error.js';

/** The shapes Google documents for the calls the mailbox makes (unknown fields pass through unread). */
const messageRef = z.object({ id: z.string().min(1).max(200), threadId: z.string().min(1).max(200) });
const profileSchema = z.object({ emailAddress: z.string().email().max(320), historyId: z.string().regex(/^\d{1,30}$/) });
const historySchema = z.object({
  history: z.array(z.object({ id: z.string(), messagesAdded: z.array(z.object({ message: messageRef.extend({ labelIds: z.array(z.string()).optional() }) })).optional() })).optional(),
  nextPageToken: z.string().max(2_000).optional(),
  historyId: z.string().regex(/^\d{1,30}$/),
});
const messageListSchema = z.object({ messages: z.array(messageRef).optional(), nextPageToken: z.string().max(2_000).optional() });
const rawMessageSchema = messageRef.extend({ labelIds: z.array(z.string()).optional(), raw: z.string().regex(/^[A-Za-z0-9_=-]*$/, 'expected base64url') });
const sentSchema = messageRef.extend({ labelIds: z.array(z.string()).optional() });
const draftSchema = z.object({ id: z.string().min(1).max(200), message: messageRef });
const watchSchema = z.object({ historyId: z.string().regex(/^\d{1,30}$/), expiration: z.string().regex(/^\d{1,16}$/, 'expected milliseconds since the epoch') });

export type GmailProfile = z.infer<typeof profileSchema>;
export type GmailMessageRef = z.infer<typeof messageRef>;

export interface GmailApi {
  profile(): Promise<GmailProfile>;
  /** One page of history since `startHistoryId` (messages added to the inbox); GMAIL_HISTORY_EXPIRED (404) when Gmail no longer keeps it. */
  history(startHistoryId: string, pageToken?: string): Promise<z.infer<typeof historySchema>>;
  /** One page of the inbox's messages, newest first (a full resync). */
  listInbox(pageToken?: string): Promise<z.infer<typeof messageListSchema>>;
  /** The message as RFC 822 bytes (format=raw). */
  rawMessage(id: string): Promise<{ ref: GmailMessageRef; labelIds: string[]; raw: Buffer }>;
  send(raw: Buffer, threadId?: string): Promise<GmailMessageRef>;
  createDraft(raw: Buffer, threadId?: string): Promise<{ draftId: string; message: GmailMessageRef }>;
  /** users.watch: Gmail publishes the inbox's changes to the Pub/Sub topic until the returned expiry (at most 7 days). */
  watch(topicName: string): Promise<{ historyId: string; expiresAt: Date }>;
}

/** Where a call gets its bearer token; `renew` forces a refresh (after Google answered 401). */
export type AccessTokenSource = (renew: boolean) => Promise<string>;

const TIMEOUT_MS = 30_000;
const MAX_RAW_BYTES = 48 * 1_048_576; // Gmail's own limit for one message is 25 MB of attachments (~35 MB raw)

/**
 * The Gmail API over fetch, each answer checked against the shape Google documents. A 401 refreshes the
 * access token once and repeats the call; 429 and 5xx are GMAIL_UNAVAILABLE (the caller tries again later).
 * Neither tokens nor message bodies ever appear in an error.
 */
export function createGmailApi(baseUrl: string, token: AccessTokenSource): GmailApi {
  const root = `${baseUrl}/gmail/v1/users/me`;

  async function call<T>(schema: z.ZodType<T>, path: string, init: { method?: string; query?: Record<string, string | undefined>; body?: unknown } = {}): Promise<T> {
    const url = new URL(`${root}${path}`);
    for (const [name, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.append(name, value);
    const what = `${init.method ?? 'GET'} ${url.pathname}`;
    let response: Response | undefined;
    for (const renew of [false, true]) {
      const headers: Record<string, string> = { authorization: `Bearer ${await token(renew)}`, accept: 'application/json' };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      try {
        response = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
      } catch (error) {
        throw new GmailError('GMAIL_UNAVAILABLE', `The Gmail API could not be reached (${what}): ${(error as Error).message.slice(0, 200)}; the next pass tries again.`);
      }
      if (response.status !== 401) break;
      await response.body?.cancel();
    }
    const status = response!.status;
    if (status === 404 && path.startsWith('/history')) throw new GmailError('GMAIL_HISTORY_EXPIRED', 'Gmail no longer keeps history from the stored startHistoryId; a full resync follows.', { upstreamStatus: status });
    if (!response!.ok) {
      const reason = await googleReason(response!);
      if (status === 401) throw new GmailError('GMAIL_REVOKED', `Gmail refused a fresh access token (${what}: 401 ${reason}); an admin connects the mailbox again in Admin → Gmail.`, { upstreamStatus: status });
      const code = status === 429 || status >= 500 ? 'GMAIL_UNAVAILABLE' : 'GMAIL_API_ERROR';
      throw new GmailError(code, `The Gmail API answered ${status} (${reason}) to ${what}.`, { upstreamStatus: status });
    }
    const parsed = schema.safeParse(await response!.json().catch(() => undefined));
    if (!parsed.success) throw new GmailError('GMAIL_API_ERROR', `The Gmail API's answer to ${what} is not the documented shape (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message}).`);
    return parsed.data;
  }

  const encode = (raw: Buffer) => raw.toString('base64url');

  return {
    profile: () => call(profileSchema, '/profile'),
    history: (startHistoryId, pageToken) => call(historySchema, '/history', { query: { startHistoryId, historyTypes: 'messageAdded', labelId: 'INBOX', maxResults: '500', pageToken } }),
    listInbox: (pageToken) => call(messageListSchema, '/messages', { query: { labelIds: 'INBOX', maxResults: '100', pageToken } }),
    async rawMessage(id) {
      const message = await call(rawMessageSchema, `/messages/${encodeURIComponent(id)}`, { query: { format: 'raw' } });
      if (message.raw.length > (MAX_RAW_BYTES * 4) / 3) throw new GmailError('GMAIL_API_ERROR', `Gmail message ${id} is larger than ${MAX_RAW_BYTES} bytes; it is left in the mailbox.`);
      return { ref: { id: message.id, threadId: message.threadId }, labelIds: message.labelIds ?? [], raw: Buffer.from(message.raw, 'base64url') };
    },
    send: (raw, threadId) => call(sentSchema, '/messages/send', { method: 'POST', body: { raw: encode(raw), ...(threadId ? { threadId } : {}) } }),
    async createDraft(raw, threadId) {
      const draft = await call(draftSchema, '/drafts', { method: 'POST', body: { message: { raw: encode(raw), ...(threadId ? { threadId } : {}) } } });
      return { draftId: draft.id, message: draft.message };
    },
    async watch(topicName) {
      const answer = await call(watchSchema, '/watch', { method: 'POST', body: { topicName, labelIds: ['INBOX'], labelFilterBehavior: 'include' } });
      return { historyId: answer.historyId, expiresAt: new Date(Number(answer.expiration)) };
    },
  };
}

/** Google's error reason (`error.status`, e.g. FAILED_PRECONDITION) — never its message text, which may echo input. */
async function googleReason(response: Response): Promise<string> {
  const body = (await response.json().catch(() => undefined)) as { error?: { status?: unknown } } | undefined;
  const status = body?.error?.status;
  return typeof status === 'string' && /^[A-Z_]{1,60}$/.test(status) ? status : response.statusText.slice(0, 60) || 'no reason given';
}
