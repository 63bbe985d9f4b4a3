import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { OrgEvent } from '../events/event-bus.js';
import { appOwnerUserIds, claimNotification, findInboxMessage, insertInboxChange, markReplied, releaseNotification, requestOutcome, setChangeReply, threadChanges, unnotifiedChanges } from './inbox-repository.js';
import { mailOwners, replyByMail, type NewInboxMessageNotice, type OwnerReplyOutcome, type OwnerToken } from './inbox-owner-mail.js';
import { sendThreadMail, type ThreadMail } from './inbox-reply.js';
import { decideReporterChange, reporterChangeByMail, type ReporterChangeInput, type ReporterChangeOutcome } from './reporter-change.js';
import { MailProcessingError } from './mail-processing-error.js';
import { relayedNoticeSchema } from '../../http/notice.js';

/** A change in words to an existing app, asked by one who may publish into it. */
export interface AppChangeInput {
  orgId: string;
  userId: string;
  appId: string;
  text: string;
  /** Whose words these are when not the caller's: a reporter's change built on an owner's behalf (the changelog names them). */
  requestedBy?: string | null;
}

/**
 * What the conversation engine made of the change: `building` (a request builds the next version),
 * `needs-answer` (the draft changed but a question is open: the owner answers it in the conversation and
 * builds from there), `not-understood` (nothing changed; nothing is sent).
 */
export interface AppChangeOutcome {
  conversationId: string | null;
  requestId: string | null;
  state: 'building' | 'needs-answer' | 'not-understood';
  /** The engine's answer to the owner (what changed, what is open). */
  reply: string;
  changes: number;
}

/** The conversations module's change turn; the composition root hands it in (mail-processing never imports conversations). */
export type AppChanger = (input: AppChangeInput) => Promise<AppChangeOutcome>;

export interface InboxChangeDeps {
  db: Db;
  /** Read at send time: the same object the conversations' mail uses. */
  mail: ThreadMail;
  changeApp: AppChanger;
  logger: Logger;
  /** PUBLIC_URL, for the links in owners' mails. */
  publicUrl: string;
}

export interface InboxChanges {
  /** "Reply and change the app": the change goes to the engine first, then the reply to the reporter. */
  replyWithChange(input: { orgId: string; userId: string | null; messageId: string; text: string; change: string }): Promise<{ id: string; messageId: string; change: AppChangeOutcome & { id: string } }>;
  /** The changes asked on a thread and where each one's build is. */
  changesOf(orgId: string, threadId: string): Promise<ThreadChange[]>;
  /** The event bus hook: a published request that came from a change reply tells the reporter. */
  onEvent(event: OrgEvent): void;
  /** Resolves when the notifications started so far are sent (tests, shutdown). */
  idle(): Promise<void>;
  /** Mails the owners of an app of a new message in its inbox, each from a reply address issued to them. */
  mailOwners(notice: NewInboxMessageNotice): Promise<void>;
  /** An owner's reply by mail to such a notice (their proof checked by the caller): answer, or `CHANGE:` and answer. */
  replyByMail(input: { token: OwnerToken; text: string; ownerAddress: string; inReplyTo: string; subject: string }): Promise<OwnerReplyOutcome>;
  /** A reporter's `CHANGE:` reply to their report's thread (their proof checked by the caller): what `inbox.reporterChanges` allows. */
  reporterChangeByMail(input: ReporterChangeInput): Promise<ReporterChangeOutcome>;
  /** An owner approves (built on their behalf) or rejects (the reporter told why) a reporter's change waiting for approval. */
  decideReporterChange(input: { orgId: string; userId: string | null; messageId: string; decision: 'approve' | 'reject'; reason?: string | undefined }): Promise<{ state: 'rejected' | 'building' | 'needs-answer' }>;
}

export interface ThreadChange {
  id: string;
  text: string;
  state: 'requested' | 'building' | 'published' | 'failed';
  conversationId: string | null;
  requestId: string | null;
  version: string | null;
  error: string | null;
  /** `error` as the failed request's notice (failure.*), worded by the UI; null when the request's error has none. */
  errorNotice: { code: string; params: Record<string, string | number> } | null;
  notified: boolean;
  createdAt: Date;
}

function changeState(requestState: string | null): ThreadChange['state'] {
  if (!requestState) return 'requested';
  if (requestState === 'published' || requestState === 'failed') return requestState;
  return 'building';
}

/** The reporter's mail when the version with their fix is published, in the language they wrote in. */
export function fixPublishedText(language: string, title: string, version: string): string {
  return language === 'pl'
    ? `Dzień dobry,\n\npoprawka, którą Pan/Pani zgłosił(a) w „${title}”, jest w wersji ${version}, właśnie opublikowanej. Zainstaluj ją ze strony aplikacji w katalogu albo poczekaj, aż trafi na Twoją stację roboczą.\n`
    : `Hello,\n\nthe fix you reported for “${title}” is in version ${version}, published now. Install it from the app's page in the catalog, or wait for it to reach your workstation.\n`;
}

export function createInboxChanges(deps: InboxChangeDeps): InboxChanges {
  const { db, logger } = deps;
  const pending = new Set<Promise<void>>();

  async function notify(orgId: string, requestId: string): Promise<void> {
    const request = await requestOutcome(db, orgId, requestId);
    if (request?.state !== 'published' || !request.version) return;
    for (const change of await unnotifiedChanges(db, orgId, requestId)) {
      if (!(await claimNotification(db, change.change_id, request.version))) continue;
      try {
        await sendThreadMail(db, deps.mail, { orgId, userId: change.requested_by, message: change, text: fixPublishedText(change.language, change.app_title, request.version), classification: 'fix-published' });
        logger.info({ component: 'inbox-changes', changeId: change.change_id, requestId, version: request.version }, 'reporter told the fix is published');
      } catch (error) {
        // Unclaimed again, so the next publish event of this request (or a retry) sends it.
        await releaseNotification(db, change.change_id);
        logger.warn({ component: 'inbox-changes', changeId: change.change_id, requestId, err: error }, 'could not tell the reporter the fix is published');
      }
    }
  }

  /** Tells the reporters of a published request in the background; `idle()` waits for it. */
  function notifyLater(orgId: string, requestId: string): void {
    const run = notify(orgId, requestId).catch((error: unknown) => logger.warn({ component: 'inbox-changes', err: error }, 'could not look up change replies of a published request'));
    pending.add(run);
    void run.finally(() => pending.delete(run));
  }

  const changes: InboxChanges = {
    async replyWithChange(input) {
      const message = await findInboxMessage(db, input.orgId, input.messageId, { userId: null, admin: true });
      if (!message || message.direction !== 'in') throw new MailProcessingError('MESSAGE_NOT_FOUND', `No message ${input.messageId} in your organisation's inbox; see GET /api/v1/messages.`);
      // Explicit and owners only: the change reaches the app's next version (admins and publishers who do not own the app use a conversation).
      if (!input.userId || !(await appOwnerUserIds(db, message.app_id)).includes(input.userId)) {
        throw new MailProcessingError('APP_OWNER_REQUIRED', `Only an owner of "${message.app_title}" may change it by reply; ask an owner to add you (POST /api/v1/apps/${message.app_id}/owners), or send the reply without applyAsChange.`);
      }
      const outcome = await deps.changeApp({ orgId: input.orgId, userId: input.userId, appId: message.app_id, text: input.change });
      if (outcome.state === 'not-understood') {
        throw new MailProcessingError('CHANGE_NOT_UNDERSTOOD', `The change was not understood, so nothing was changed or sent: ${outcome.reply.slice(0, 500)} Say it like "add a notes field" or "make the end date optional".`);
      }
      const id = await insertInboxChange(db, { orgId: input.orgId, appId: message.app_id, threadId: message.thread_id, messageId: message.id, requestedBy: input.userId, changeText: input.change, conversationId: outcome.conversationId, requestId: outcome.requestId });
      const sent = await sendThreadMail(db, deps.mail, { orgId: input.orgId, userId: input.userId, message, text: input.text, classification: 'reply' }).catch((error: unknown) => {
        if (error instanceof MailProcessingError) throw new MailProcessingError(error.processingCode, `${error.message} The change itself was recorded (conversation ${outcome.conversationId}); send the reply again without applyAsChange.`);
        throw error;
      });
      await setChangeReply(db, id, sent.id);
      await markReplied(db, message.id);
      return { ...sent, change: { ...outcome, id } };
    },

    async changesOf(orgId, threadId) {
      const rows = await threadChanges(db, orgId, threadId);
      // A publication whose event this process never heard (the worker stopped before its hook ran) is told now.
      for (const r of rows) if (r.request_state === 'published' && !r.notified_at && r.request_id) notifyLater(orgId, r.request_id);
      return rows.map((r) => ({
        id: r.id,
        text: r.change_text,
        state: changeState(r.request_state),
        conversationId: r.conversation_id,
        requestId: r.request_id,
        version: r.request_state === 'published' ? r.version : null,
        error: r.request_state === 'failed' && r.error && typeof r.error === 'object' && 'message' in r.error ? String((r.error as { message: unknown }).message) : null,
        errorNotice: r.request_state === 'failed' ? failureNotice(r.error) : null,
        notified: Boolean(r.notified_at),
        createdAt: r.created_at,
      }));
    },

    onEvent(event) {
      if (event.type === 'request' && event.data.state === 'published' && typeof event.data.id === 'string') notifyLater(event.orgId, event.data.id);
    },

    async idle() {
      await Promise.all([...pending]);
    },

    mailOwners: (notice) => mailOwners(deps, notice),

    replyByMail: (input) => replyByMail({ ...deps, changes }, input),

    reporterChangeByMail: (input) => reporterChangeByMail(deps, input),

    decideReporterChange: (input) => decideReporterChange(deps, input),
  };
  return changes;
}

/** The notice a failed request's error carries, when it has a well-formed one. */
function failureNotice(error: unknown): ThreadChange['errorNotice'] {
  const parsed = relayedNoticeSchema.safeParse(error && typeof error === 'object' ? (error as { notice?: unknown }).notice : undefined);
  return parsed.success ? parsed.data : null;
}
