import type { Generated } from 'kysely';
import type { DefaultNow, Json, Timestamp } from '../../db/column-types.js';
import type { Notice } from '../../http/notice.js';

/** One stage's result in a message's analysis: what it found, why, and how long it took. */
export interface StageRecord {
  result: string;
  /** The English sentence of `notices`; a record stored before notices (decision 0058) has only this. */
  reason: string;
  /** Why, as codes and parameters the UI words (`notices.mailStage.*`). */
  notices?: Notice[];
  ms: number;
  /** Which engine answered: `builtin`, `rspamd`, `llm`, `trust-rules`, `rules`. */
  engine: string;
  /** Stage-specific figures (spam score, language margin, app id …). */
  data?: Record<string, unknown>;
}

/** One explained record per incoming message (keyed to incoming_mail). */
export interface MailAnalysesTable {
  id: Generated<string>;
  incoming_mail_id: string;
  org_id: string | null;
  message_id: string;
  sender: string;
  subject: string;
  /** Stage name → its record, in the order they ran. */
  stages: Json<Record<string, StageRecord>>;
  classification: string;
  spam: boolean;
  language: string;
  app_id: string | null;
  summary: string;
  /** The route taken: `inbox`, `conversation`, `ignore`, or the trust rules' outcome (`refused:auth` …). */
  route: string;
  labels: string[];
  /** The rule set version that decided the route (0: the built-in default rules). */
  rule_version: number;
  created_at: DefaultNow;
}

/** Each save of an organisation's mail rules is a new version; the newest is in force. */
export interface MailRuleSetsTable {
  org_id: string;
  version: number;
  rules: Json<unknown[]>;
  created_by: string | null;
  created_at: DefaultNow;
}

/** A message in an app's owners' inbox (in: from a user; out: a reply an owner sent). */
export interface MailInboxTable {
  id: Generated<string>;
  org_id: string;
  app_id: string;
  /** The first inbox message of the thread (its own id for the first). */
  thread_id: string;
  direction: 'in' | 'out';
  analysis_id: string | null;
  message_id: string;
  refs: string[];
  sender: string;
  /** The user who wrote (in) or sent the reply (out). */
  user_id: string | null;
  subject: string;
  body: string;
  summary: string;
  classification: string;
  language: string;
  /** The version of the app the sender runs (their deployments), when known. */
  sender_version: string | null;
  draft: string | null;
  state: 'new' | 'replied' | 'sent';
  replied_at: Timestamp | null;
  created_at: DefaultNow;
}

/**
 * An owner's "reply and change the app" on an inbox thread: the change in words, the conversation that
 * turned it into the next spec, the request that builds it, and when the reporter was told it was published.
 */
export interface MailInboxChangesTable {
  id: Generated<string>;
  org_id: string;
  app_id: string;
  thread_id: string;
  /** The incoming message answered. */
  message_id: string;
  /** The reply sent with the change (null until sent). */
  reply_id: string | null;
  requested_by: string | null;
  change_text: string;
  conversation_id: string | null;
  request_id: string | null;
  notified_at: Timestamp | null;
  notified_version: string | null;
  created_at: DefaultNow;
}

/** The reply address issued to one owner in the mail telling them of one inbox message (`marketplace+o<token>@…`). */
export interface MailInboxOwnerTokensTable {
  token: string;
  org_id: string;
  user_id: string;
  inbox_message_id: string;
  /** The notice's Message-ID (the owner's reply answers it). */
  notice_message_id: string;
  created_at: DefaultNow;
}

/** The reply address issued to the reporter of an inbox thread (`marketplace+r<token>@…`, Reply-To of the thread's mail to them). */
export interface MailInboxReporterTokensTable {
  token: string;
  org_id: string;
  user_id: string;
  thread_id: string;
  /** The report (the thread's first incoming message of this reporter). */
  inbox_message_id: string;
  created_at: DefaultNow;
}

/** A change a reporter asked for by replying `CHANGE: …` to their report's thread, and what became of it (decision 0047). */
export interface MailInboxReporterChangesTable {
  id: Generated<string>;
  org_id: string;
  app_id: string;
  thread_id: string;
  /** The reporter's mail, in the thread (the owners' inbox shows it). */
  message_id: string;
  reporter_id: string;
  change_text: string;
  /** `inbox.reporterChanges` when it arrived. */
  policy: 'off' | 'with-owner-approval' | 'allowed';
  state: 'suggested' | 'awaiting-owner' | 'rejected' | 'building' | 'needs-answer' | 'not-understood';
  decided_by: string | null;
  decided_at: Timestamp | null;
  reason: string | null;
  /** The change it became (`mail_inbox_changes`), once built. */
  change_id: string | null;
  created_at: DefaultNow;
}

export interface MailProcessingTables {
  mail_analyses: MailAnalysesTable;
  mail_rule_sets: MailRuleSetsTable;
  mail_inbox: MailInboxTable;
  mail_inbox_changes: MailInboxChangesTable;
  mail_inbox_owner_tokens: MailInboxOwnerTokensTable;
  mail_inbox_reporter_tokens: MailInboxReporterTokensTable;
  mail_inbox_reporter_changes: MailInboxReporterChangesTable;
}
