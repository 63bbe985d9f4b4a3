import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * The Gmail API service mailbox (decision 0037): connected mailboxes (refresh token sealed, the durable
 * history id), the Gmail ids imported or sent (dedup on a full resync; thread ids for replies), and the
 * consent attempts waiting for Google's callback. A mailbox is connected once on the whole server.
 */
export const gmailMigrations = [
  {
    name: '1460_gmail_mailbox',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE gmail_connections (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          email text NOT NULL,
          refresh_token_sealed text NOT NULL,
          scopes text NOT NULL,
          history_id text,
          state text NOT NULL DEFAULT 'active',
          last_error text,
          last_sync_at timestamptz,
          imported integer NOT NULL DEFAULT 0,
          connected_by uuid REFERENCES users(id) ON DELETE SET NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE UNIQUE INDEX gmail_connections_email_idx ON gmail_connections (email)`,
        `CREATE INDEX gmail_connections_org_idx ON gmail_connections (org_id)`,
        `CREATE TABLE gmail_messages (
          connection_id uuid NOT NULL REFERENCES gmail_connections(id) ON DELETE CASCADE,
          gmail_id text NOT NULL,
          thread_id text NOT NULL,
          message_id text NOT NULL,
          direction text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (connection_id, gmail_id)
        )`,
        `CREATE INDEX gmail_messages_message_id_idx ON gmail_messages (message_id)`,
        `CREATE TABLE gmail_oauth_attempts (
          state_hash text PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          session_binding text NOT NULL,
          code_verifier_sealed text NOT NULL,
          expires_at timestamptz NOT NULL
        )`,
      ]);
    },
  },
];

/** Gmail push (decision 0050): when each mailbox's users.watch expires. */
export const gmailWatchMigrations = [
  {
    name: '1571_gmail_watch',
    async up(db: Kysely<any>): Promise<void> {
      // When Gmail stops publishing the mailbox's changes to the Pub/Sub topic (users.watch, decision 0050).
      await runStatements(db, [`ALTER TABLE gmail_connections ADD COLUMN watch_expires_at timestamptz`]);
    },
  },
];
