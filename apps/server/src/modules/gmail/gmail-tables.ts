import type { ColumnType, Generated } from 'kysely';
import type { DefaultNow, Timestamp } from '../../db/column-types.js';

/** One Gmail mailbox an admin connected (consent given once); read as a service mailbox, and the Gmail transport's sender. */
export interface GmailConnectionsTable {
  id: string;
  org_id: string;
  /** The mailbox's address (users.getProfile emailAddress), lower case. */
  email: string;
  /** The OAuth refresh token, sealed (secret-box, context `gmail:<id>`); never leaves the server. */
  refresh_token_sealed: string;
  /** The scopes Google granted. */
  scopes: string;
  /** Where the next history.list starts: advanced only after every message up to it is stored. */
  history_id: string | null;
  /** active · failing (the last pass failed; still tried) · revoked (Google refused the refresh token: connect again). */
  state: 'active' | 'failing' | 'revoked';
  /** The last failure's code and short text (no token, no mail content). */
  last_error: string | null;
  last_sync_at: Timestamp | null;
  /** When Gmail stops pushing this mailbox's changes (users.watch); null: not watched (GMAIL_PUBSUB_TOPIC unset). */
  watch_expires_at: Timestamp | null;
  /** Messages imported over the connection's life. */
  imported: Generated<number>;
  connected_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

/** A Gmail message the server imported or sent: the Gmail id (dedup on resync) and its thread (replies stay in it). */
export interface GmailMessagesTable {
  connection_id: string;
  gmail_id: string;
  thread_id: string;
  /** The RFC 5322 Message-ID, as incoming_mail keys it. */
  message_id: string;
  direction: 'in' | 'out';
  created_at: DefaultNow;
}

/** One consent attempt between "Connect Gmail" and Google's callback: bound to the admin who started it, used once. */
export interface GmailOauthAttemptsTable {
  /** sha256 of the state parameter (the state itself only travels through the browser). */
  state_hash: string;
  org_id: string;
  user_id: string;
  /** The admin's session (or token) id: the callback must come back in the same session. */
  session_binding: string;
  /** The PKCE code verifier, sealed (context `gmail-attempt:<state_hash>`). */
  code_verifier_sealed: string;
  expires_at: ColumnType<Date, Date, Date>;
}

/** The tables module gmail owns; composition/database-schema.ts joins them into DB. */
export interface GmailTables {
  gmail_connections: GmailConnectionsTable;
  gmail_messages: GmailMessagesTable;
  gmail_oauth_attempts: GmailOauthAttemptsTable;
}
