/**
 * Every kind of mail the server sends, with the placeholders its template may use and sample values
 * for the preview. `footer` (the organisation's required footer) and `publicUrl` are given to every
 * kind by the renderer; the rest come from the code that sends the mail.
 */
export const MAIL_KINDS = {
  /** A signed release to an agent's mailbox (distribution); the body is its opening paragraph, the technical part follows. */
  release: { placeholders: ['title', 'version', 'app', 'org', 'summary'], sample: { title: 'Visitor log', version: '1.2.0', app: 'visitor-log', org: 'acme', summary: 'Records visitors at the front desk.' } },
  /** A reviewer is asked to approve publishing an app. */
  'approval-publish': { placeholders: ['appName', 'version', 'reasons', 'hosts', 'hours', 'link', 'approvalsUrl'], sample: { appName: 'visitor-log', version: '1.2.0', reasons: '- it reaches a host outside the allow-list', hosts: 'api.example.com', hours: '48', link: 'https://marketplace.example/api/v1/approval-links/…', approvalsUrl: 'https://marketplace.example/approvals' } },
  /** A reviewer is asked to approve sending a release to other people's workstations. */
  'approval-distribute': { placeholders: ['appName', 'version', 'reasons', 'hosts', 'hours', 'link', 'approvalsUrl'], sample: { appName: 'visitor-log', version: '1.2.0', reasons: '- it goes to other people’s workstations', hosts: '-', hours: '48', link: 'https://marketplace.example/api/v1/approval-links/…', approvalsUrl: 'https://marketplace.example/approvals' } },
  /** A one-time link to choose a new password. */
  'password-reset': { placeholders: ['name', 'link', 'minutes'], sample: { name: 'Ada', link: 'https://marketplace.example/reset-password#token=…', minutes: '30' } },
  /** Admins learn that a webhook was switched off after repeated failures. */
  'webhook-disabled': { placeholders: ['target', 'reason', 'webhooksUrl'], sample: { target: 'https://hooks.example/marketplace', reason: '20 delivery attempts in a row failed', webhooksUrl: 'https://marketplace.example/admin/webhooks' } },
  /** An app owner's answer in an app inbox thread (and the fix-published notice in that thread). */
  'inbox-reply': { placeholders: ['subject', 'text'], sample: { subject: 'The export button does nothing', text: 'Thanks, we fixed it in version 1.2.1.' } },
  /** The assistant's answer to a conversation by mail. */
  'conversation-answer': { placeholders: ['subject', 'text'], sample: { subject: 'A visitor log', text: 'Which fields should a visit have?' } },
  /** News about a build started by mail (published, delivered or failed). */
  'build-news': { placeholders: ['subject', 'text'], sample: { subject: 'Visitor log', text: 'Visitor log 1.0.0 is published and on its way to your workstation.' } },
  /** A first mail from an address that could not be proven: reply to confirm. */
  'sender-confirmation': { placeholders: ['subject', 'requestSubject'], sample: { subject: 'A visitor log', requestSubject: 'A visitor log' } },
  /** The one polite answer to an address that is no account. */
  'unknown-sender': { placeholders: ['subject'], sample: { subject: 'Hello' } },
  /** An app's owner is told of a bug report or feedback in its inbox, and how to answer (or change the app) by reply. */
  'owner-notice': { placeholders: ['appTitle', 'what', 'subject', 'sender', 'summary', 'quoted', 'link'], sample: { appTitle: 'Visitor log', what: 'Bug report', subject: 'The export button does nothing', sender: 'ana@example.com', summary: 'The export button does nothing in Firefox.', quoted: '> When I click Export nothing happens.', link: 'https://marketplace.example/messages?message=…' } },
  /** What an owner's reply by mail to such a notice did (answer sent, change building, not understood…). */
  'owner-reply-result': { placeholders: ['subject', 'text'], sample: { subject: '[Visitor log] Bug report: The export button does nothing', text: 'Your answer was sent to ana@example.com.' } },
  /** An announcement to many people (distribution campaigns). */
  announcement: { placeholders: ['title', 'text', 'link'], sample: { title: 'Visitor log 2.0', text: 'The visitor log now prints badges.', link: 'https://marketplace.example/apps/visitor-log' } },
} as const satisfies Record<string, { placeholders: readonly string[]; sample: Record<string, string> }>;

export type MailKind = keyof typeof MAIL_KINDS;
export const MAIL_KIND_NAMES = Object.keys(MAIL_KINDS) as [MailKind, ...MailKind[]];
export const MAIL_LANGUAGES = ['en', 'pl'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

/** Given to every template by the renderer. */
export const COMMON_PLACEHOLDERS = ['footer', 'publicUrl'] as const;

export type MailParams<K extends MailKind> = Record<(typeof MAIL_KINDS)[K]['placeholders'][number], string>;

export function placeholdersOf(kind: MailKind): string[] {
  return [...MAIL_KINDS[kind].placeholders, ...COMMON_PLACEHOLDERS];
}
