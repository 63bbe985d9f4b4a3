import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Conversations (web, email, API), the mail they arrive by, and the LLM settings and usage they spend. */
export const conversationsMigrations = [
  {
    name: '0200_conversations',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE conversations (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          channel text NOT NULL,
          state text NOT NULL,
          title text NOT NULL,
          spec jsonb NOT NULL,
          missing text[] NOT NULL DEFAULT '{}',
          language text NOT NULL,
          request_id uuid REFERENCES requests(id) ON DELETE SET NULL,
          mail_token text NOT NULL UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX conversations_user_idx ON conversations (org_id, user_id, updated_at DESC)`,
        `CREATE TABLE conversation_messages (
          id uuid PRIMARY KEY,
          conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          position integer NOT NULL,
          role text NOT NULL,
          text text NOT NULL,
          language text NOT NULL,
          spec jsonb,
          actions jsonb NOT NULL DEFAULT '[]',
          details jsonb NOT NULL DEFAULT '{}',
          created_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (conversation_id, position)
        )`,
      ]);
    },
  },
  {
    name: '0201_conversation_mail',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE conversation_mail_ids (
          message_id text PRIMARY KEY,
          conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          direction text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE incoming_mail (
          message_id text PRIMARY KEY,
          raw bytea NOT NULL,
          envelope_from text NOT NULL,
          envelope_to text[] NOT NULL,
          state text NOT NULL,
          outcome text,
          org_id uuid REFERENCES organizations(id) ON DELETE SET NULL,
          conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
          attempts integer NOT NULL DEFAULT 0,
          received_at timestamptz NOT NULL DEFAULT now(),
          processed_at timestamptz
        )`,
        `CREATE INDEX incoming_mail_pending_idx ON incoming_mail (received_at) WHERE state <> 'done'`,
        `CREATE INDEX incoming_mail_sender_idx ON incoming_mail (envelope_from, received_at)`,
        `CREATE TABLE mail_sender_replies (
          address text NOT NULL,
          kind text NOT NULL,
          last_at timestamptz NOT NULL,
          PRIMARY KEY (address, kind)
        )`,
      ]);
    },
  },
  {
    name: '0202_llm_settings_and_usage',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE llm_providers (
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          id text NOT NULL,
          kind text NOT NULL,
          base_url text,
          api_key_encrypted text,
          default_model text,
          large_model text,
          updated_by uuid,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (org_id, id)
        )`,
        `CREATE TABLE llm_org_settings (
          org_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
          task_models jsonb NOT NULL DEFAULT '{}',
          limits jsonb NOT NULL DEFAULT '{}',
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE TABLE llm_usage (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid,
          conversation_id uuid,
          app_id uuid,
          task text NOT NULL,
          provider text,
          model text,
          input_tokens integer NOT NULL,
          output_tokens integer NOT NULL,
          cost_usd double precision NOT NULL,
          latency_ms integer NOT NULL,
          cache_hit boolean NOT NULL,
          outcome text NOT NULL,
          error_code text,
          at timestamptz NOT NULL
        )`,
        `CREATE INDEX llm_usage_org_idx ON llm_usage (org_id, at DESC)`,
        `CREATE TABLE llm_counters (
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          kind text NOT NULL,
          window_start bigint NOT NULL,
          value double precision NOT NULL,
          PRIMARY KEY (org_id, kind, window_start)
        )`,
      ]);
    },
  },
];
