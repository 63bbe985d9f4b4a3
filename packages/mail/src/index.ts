/**
 * @marketplace/mail: release and status emails (build, parse, classify), sending over SMTP, and
 * mailboxes (Maildir, IMAP). Shared by the server and the deploy agent; the SMTP hub lives in the
 * `./hub` entry so the agent never loads it, and test helpers in `./testing`.
 */
export { backoffDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { classifyIncoming } from './classify-incoming.js';
export type { IncomingClass, IncomingKind } from './classify-incoming.js';
export { MARKETPLACE_HEADERS, MAX_MESSAGE_ID_LENGTH, normalMessageId, readHeaders } from './headers.js';
export type { HeaderBlock, MailHeaders } from './headers.js';
export { escapeHtml } from './html-escape.js';
export { openImapMailbox } from './imap/imap-mailbox.js';
export type { ImapMailbox, ImapMailboxOptions } from './imap/imap-mailbox.js';
export { DEFAULT_MAIL_LIMITS, resolveLimits } from './limits.js';
export type { MailLimits } from './limits.js';
export { silentLogger } from './logger.js';
export type { MailLogger } from './logger.js';
export { isMailError, MailError } from './mail-error.js';
export type { MailErrorCode } from './mail-error.js';
export type { DkimOptions } from './mail-fields.js';
export { classifyFailure, createMailSender } from './mail-sender.js';
export type { MailSender, MailSenderOptions, RejectedRecipient, SendRequest, SendResult } from './mail-sender.js';
export { folderSegments, PROCESSED_FOLDER, REJECTED_FOLDER } from './mailbox.js';
export type { Mailbox, MessageRef } from './mailbox.js';
export { cleanMaildirTmp, deliverToMaildir, ensureMaildir, maildirFileName } from './maildir/maildir-delivery.js';
export type { DeliveredFile } from './maildir/maildir-delivery.js';
export { openMaildir } from './maildir/maildir-mailbox.js';
export type { MaildirOptions } from './maildir/maildir-mailbox.js';
export { parseReleaseEmail } from './parse-release-email.js';
export type { ParsedReleaseEmail, ReleaseEmailParseResult, ReleaseHeaders } from './parse-release-email.js';
export { buildReleaseEmail } from './release-email.js';
export type { ReleaseEmailOptions } from './release-email.js';
export { RELEASE_EMAIL_LANGUAGES, RELEASE_WORDS, type ReleaseEmailLanguage } from './release-email-words.js';
export { RELEASE_PAYLOAD_TYPE } from './release-envelope.js';
export { buildStatusEmail, parseStatusEmail, verifyStatusSignature } from './status-email.js';
export type { ParsedStatusEmail, StatusEmailOptions, StatusEmailParseResult } from './status-email.js';
export { DEPLOYMENT_STATES, STATUS_FILE_NAME, appUrlSchema, relayedNoticeSchema, statusReportSchema } from './status-report.js';
export type { DeploymentState, StatusReport } from './status-report.js';
export { parseWithinLimits } from './untrusted-mail.js';
export { parseDeliveryStatus, type DeliveryStatusReport, type DsnRecipient } from './parse-dsn.js';
export type { InvalidMail, InvalidMailCode } from './untrusted-mail.js';
export { scanMimeStructure } from './mime-structure.js';
