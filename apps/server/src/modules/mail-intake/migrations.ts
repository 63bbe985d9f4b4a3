import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Mail intake's own tables (incoming_mail and mail_sender_replies are still created by conversations' 0201). */
export const mailIntakeMigrations = [
  {
    name: '1211_mail_sender_confirmations',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_sender_confirmations (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          address text NOT NULL,
          message_id text NOT NULL,
          token text NOT NULL UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          confirmed_at timestamptz,
          conversation_id uuid
        )`,
        `CREATE INDEX mail_sender_confirmations_user_idx ON mail_sender_confirmations (user_id, created_at DESC)`,
      ]);
    },
  },
];

/**
 * What the embedded mail hub stored, by recipient and Message-ID: a sender retrying after a crash
 * (any worker, any host) asks here whether its message already arrived.
 */
export const mailHubMessagesMigrations = [
  {
    name: '1230_mail_hub_messages',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE mail_hub_messages (
          recipient text NOT NULL,
          message_id text NOT NULL,
          stored_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (recipient, message_id)
        )`,
      ]);
    },
  },
];
