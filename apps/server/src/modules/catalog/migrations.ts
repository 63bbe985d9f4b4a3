import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** Requests and their pipeline steps, and the catalog they publish into. */
export const catalogMigrations = [
  {
    name: '0004_requests_and_catalog',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE apps (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          name text NOT NULL,
          title text NOT NULL,
          summary text NOT NULL,
          kind text NOT NULL,
          tags text[] NOT NULL DEFAULT '{}',
          spec jsonb NOT NULL,
          latest_version text,
          author_id uuid REFERENCES users(id) ON DELETE SET NULL,
          installs integer NOT NULL DEFAULT 0,
          rating_avg real,
          rating_count integer NOT NULL DEFAULT 0,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          search tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', coalesce(title, '') || ' ' || name), 'A') ||
            setweight(to_tsvector('simple', coalesce(summary, '')), 'B') ||
            setweight(to_tsvector('simple', spec::text), 'C')
          ) STORED,
          UNIQUE (org_id, name)
        )`,
        `CREATE INDEX apps_search_idx ON apps USING gin (search)`,
        `CREATE TABLE requests (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid REFERENCES users(id) ON DELETE SET NULL,
          source text NOT NULL,
          text text,
          spec jsonb NOT NULL,
          state text NOT NULL,
          error jsonb,
          notice text,
          app_id uuid REFERENCES apps(id) ON DELETE SET NULL,
          version text,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`,
        `CREATE INDEX requests_org_idx ON requests (org_id, created_at DESC)`,
        `CREATE TABLE request_steps (
          request_id uuid NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
          name text NOT NULL,
          position integer NOT NULL,
          state text NOT NULL,
          attempts integer NOT NULL DEFAULT 0,
          started_at timestamptz,
          finished_at timestamptz,
          duration_ms integer,
          error jsonb,
          PRIMARY KEY (request_id, name)
        )`,
        `CREATE TABLE request_files (
          request_id uuid NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
          path text NOT NULL,
          content bytea NOT NULL,
          mode integer NOT NULL DEFAULT 420,
          PRIMARY KEY (request_id, path)
        )`,
        `CREATE TABLE request_outputs (
          request_id uuid PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
          manifest jsonb,
          validation_report jsonb,
          scan_report jsonb,
          bundle bytea,
          bundle_sha256 text,
          bundle_size integer,
          release_json text,
          key_id text
        )`,
        `CREATE TABLE app_versions (
          id uuid PRIMARY KEY,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          version text NOT NULL,
          request_id uuid REFERENCES requests(id) ON DELETE SET NULL,
          spec jsonb NOT NULL,
          manifest jsonb NOT NULL,
          changelog text,
          bundle_sha256 text NOT NULL,
          bundle_size integer NOT NULL,
          key_id text NOT NULL,
          release_json text NOT NULL,
          validation_report jsonb NOT NULL,
          scan_report jsonb NOT NULL,
          published_by uuid REFERENCES users(id) ON DELETE SET NULL,
          published_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (app_id, version)
        )`,
        `CREATE INDEX app_versions_org_idx ON app_versions (org_id)`,
        `CREATE TABLE app_version_files (
          version_id uuid NOT NULL REFERENCES app_versions(id) ON DELETE CASCADE,
          path text NOT NULL,
          size integer NOT NULL,
          content text,
          PRIMARY KEY (version_id, path)
        )`,
        `CREATE TABLE app_version_bundles (
          version_id uuid PRIMARY KEY REFERENCES app_versions(id) ON DELETE CASCADE,
          bundle bytea NOT NULL
        )`,
      ]);
    },
  },
];
