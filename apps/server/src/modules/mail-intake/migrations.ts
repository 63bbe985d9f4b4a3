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

/**
 * Every incoming message ends in one recorded outcome: a surrogate id (admin routes), the reason a
 * message was quarantined, the client address from the envelope, and a claim lease that a periodic
 * sweep takes over when a process died holding it.
 */
export const mailOutcomesMigrations = [
  {
    name: '1250_incoming_mail_outcomes',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `ALTER TABLE incoming_mail ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid()`,
        `CREATE UNIQUE INDEX incoming_mail_id_idx ON incoming_mail (id)`,
        `ALTER TABLE incoming_mail ADD COLUMN reason text`,
        `ALTER TABLE incoming_mail ADD COLUMN client_address text`,
        `ALTER TABLE incoming_mail ADD COLUMN lease_until timestamptz`,
        `CREATE INDEX incoming_mail_state_idx ON incoming_mail (state, received_at)`,
      ]);
    },
  },
];

/**
 * The hub's fsynced Maildir copy is the raw copy of mail to the server's own address: its row holds
 * a reference (raw_path) and the size, and is written before the 250 in one transaction with other
 * sessions' rows (decision 0024); raw_store names the DATA_DIR/mail it is in (mail-store-id.ts), so
 * only processes that see that directory claim it. Mail read from an IMAP service mailbox keeps raw in the row.
 * `retries` counts passing failures (a lost database connection) that gave the message back with a backoff.
 */
export const mailRawFileMigrations = [
  {
    name: '1300_incoming_mail_raw_file',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `ALTER TABLE incoming_mail ALTER COLUMN raw DROP NOT NULL`,
        `ALTER TABLE incoming_mail ADD COLUMN raw_path text`,
        `ALTER TABLE incoming_mail ADD COLUMN raw_store text`,
        `ALTER TABLE incoming_mail ADD COLUMN size integer`,
        `ALTER TABLE incoming_mail ADD COLUMN retries integer NOT NULL DEFAULT 0`,
        `UPDATE incoming_mail SET size = octet_length(raw)`,
        `ALTER TABLE incoming_mail ADD CONSTRAINT incoming_mail_raw_or_path CHECK (raw IS NOT NULL OR raw_path IS NOT NULL)`,
      ]);
    },
  },
];

/**
 * The hub directory's cache follows the database (decision 0042): any change to an agent's mailbox
 * or revocation, an account's address, or a removed row notifies `hub_directory` with each address
 * concerned, lower-cased, at commit. Every process's hub forgets its cached answer for it at once.
 */
export const hubDirectoryNotifyMigrations = [
  {
    name: '1501_hub_directory_notify',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE FUNCTION hub_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          old_address text;
          new_address text;
        BEGIN
          IF TG_TABLE_NAME = 'agents' THEN
            IF TG_OP <> 'INSERT' THEN old_address := lower(OLD.mailbox); END IF;
            IF TG_OP <> 'DELETE' THEN new_address := lower(NEW.mailbox); END IF;
          ELSE
            IF TG_OP <> 'INSERT' THEN old_address := lower(OLD.email); END IF;
            IF TG_OP <> 'DELETE' THEN new_address := lower(NEW.email); END IF;
          END IF;
          IF old_address IS NOT NULL THEN PERFORM pg_notify('hub_directory', old_address); END IF;
          IF new_address IS NOT NULL AND new_address IS DISTINCT FROM old_address THEN PERFORM pg_notify('hub_directory', new_address); END IF;
          RETURN NULL;
        END $$`,
        `CREATE TRIGGER agents_hub_directory AFTER INSERT OR DELETE OR UPDATE OF mailbox, revoked_at ON agents
          FOR EACH ROW EXECUTE FUNCTION hub_directory_changed()`,
        `CREATE TRIGGER users_hub_directory AFTER INSERT OR DELETE OR UPDATE OF email ON users
          FOR EACH ROW EXECUTE FUNCTION hub_directory_changed()`,
      ]);
    },
  },
];

/**
 * A sender's mail of the last hour, counted up to a cap by walking incoming_mail_sender_idx from the
 * newest entry backwards and stopping at the cap (decision 0074). A function because its planner
 * settings (no bitmap scan, no sort, no sequential scan) hold only for the statement in it: without
 * statistics (PGlite never analyses) the planner otherwise takes a bitmap scan over every mail of the
 * sender's hour before the LIMIT applies, O(flood size) per message.
 */
export const mailSenderCountMigrations = [
  {
    name: '1730_incoming_mail_sender_count',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE FUNCTION incoming_mail_sender_count(sender text, since timestamptz, cap integer) RETURNS bigint
          LANGUAGE sql STABLE
          SET enable_bitmapscan = off SET enable_sort = off SET enable_seqscan = off
          AS $$
            SELECT count(*) FROM (
              SELECT 1 FROM incoming_mail WHERE envelope_from = sender AND received_at > since ORDER BY received_at DESC LIMIT cap
            ) AS recent
          $$`,
      ]);
    },
  },
];

/**
 * A worker's batch claim (decision 0074, claimIncomingMailBatch): a run-out claim alone, else up to
 * `claim_limit` waiting messages, oldest first (FOR UPDATE SKIP LOCKED), each claimed with a lease
 * until `lease_to` and its attempt counted; returns the claimed rows. A function for the same reason
 * as incoming_mail_sender_count: its planner settings leave only the ordered walk of
 * incoming_mail_state_idx that stops at the limit, and the claimed rows found by their key. The
 * UPDATE takes the rows by key alone: FOR UPDATE checks each row's conditions again on its latest
 * version before locking it (a row changed meanwhile is skipped), and the lock holds to the end of the
 * statement. (A second check of the state in the UPDATE let the planner walk every waiting row of
 * incoming_mail_state_idx to test it against the claimed ones: 4 ms at 286 waiting.)
 */
export const mailClaimMigrations = [
  {
    name: '1731_incoming_mail_claim',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE FUNCTION incoming_mail_claim(claim_at timestamptz, lease_to timestamptz, claim_store text, claim_limit integer) RETURNS SETOF incoming_mail
          LANGUAGE sql VOLATILE ROWS 16
          SET enable_bitmapscan = off SET enable_sort = off SET enable_seqscan = off
          AS $$
            WITH expired AS (
              SELECT message_id FROM incoming_mail
              WHERE state = 'processing' AND lease_until < claim_at AND (raw_store IS NULL OR raw_store = claim_store)
              ORDER BY received_at LIMIT 1 FOR UPDATE SKIP LOCKED
            ), fresh AS (
              SELECT message_id FROM incoming_mail
              WHERE state = 'stored' AND (lease_until IS NULL OR lease_until < claim_at) AND (raw_store IS NULL OR raw_store = claim_store)
                AND NOT EXISTS (SELECT 1 FROM expired)
              ORDER BY received_at LIMIT claim_limit FOR UPDATE SKIP LOCKED
            )
            UPDATE incoming_mail SET state = 'processing', attempts = attempts + 1, processed_at = claim_at, lease_until = lease_to
            WHERE message_id IN (SELECT message_id FROM expired UNION ALL SELECT message_id FROM fresh)
            RETURNING *
          $$`,
      ]);
    },
  },
];
