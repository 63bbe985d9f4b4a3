/**
 * @marketplace/mail/hub: the embedded SMTP mail hub, for the server only (the agent never loads
 * smtp-server through the main entry).
 */
export { startMailHub } from './mail-hub.js';
export type { MailHub, MailHubOptions, StoredMail } from './mail-hub.js';
export { startMailHubThread, crashMailHubThreadForTests } from './hub-thread.js';
export type { MailHubThread, MailHubThreadOptions } from './hub-thread.js';
export type { HubLimits } from './hub-session-policy.js';
export { SMTP_SERVER_GREETING_DELAY_MS } from './greeting-delay.js';
export { mailboxDirectory, safeMailboxName } from './safe-address.js';
export { hubEnvelopeHeader, parseHubEnvelope, readHubEnvelope } from './hub-envelope.js';
export type { HubEnvelope, ParsedHubEnvelope } from './hub-envelope.js';
