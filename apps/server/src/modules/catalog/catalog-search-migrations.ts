import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * Catalog search that forgives: `apps.search_text` (title, name, summary, tags, entity and field
 * names, lower-cased) kept by a trigger, with a trigram index when the pg_trgm extension can be
 * created (PGlite loads it; Debian's PostgreSQL has it in postgresql-contrib). Where it cannot, the
 * migration still succeeds and search falls back to full-text prefix matching only.
 */
export const catalogSearchMigrations = [
  {
    name: '1241_catalog_trigram_search',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `DO $$ BEGIN
          CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN OTHERS THEN
          RAISE NOTICE 'pg_trgm is not available (%): catalog search matches by word prefix only', SQLERRM;
        END $$`,
        `ALTER TABLE apps ADD COLUMN search_text text NOT NULL DEFAULT ''`,
        `CREATE FUNCTION apps_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search_text := lower(concat_ws(' ', NEW.title, NEW.name, NEW.summary, array_to_string(NEW.tags, ' '), (
            SELECT string_agg(concat_ws(' ', e->>'name', (
              SELECT string_agg(f->>'name', ' ') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e->'fields') = 'array' THEN e->'fields' ELSE '[]'::jsonb END) f
            )), ' ')
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(NEW.spec->'entities') = 'array' THEN NEW.spec->'entities' ELSE '[]'::jsonb END) e
          )));
          RETURN NEW;
        END $$`,
        `CREATE TRIGGER apps_search_text BEFORE INSERT OR UPDATE OF title, name, summary, tags, spec ON apps FOR EACH ROW EXECUTE FUNCTION apps_search_text()`,
        `UPDATE apps SET title = title`,
        `DO $$ BEGIN
          IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
            EXECUTE 'CREATE INDEX apps_search_trgm_idx ON apps USING gin (search_text gin_trgm_ops)';
          END IF;
        END $$`,
      ]);
    },
  },
];

export const catalogSearchLabelsMigrations = [
  {
    /**
     * The words people know a field by are its label ("Manager e-mail"), not its identifier
     * (`managerEmail`, one run-together word a typo cannot get close to): search_text takes entity and
     * field labels too.
     */
    name: '1710_catalog_search_field_labels',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE OR REPLACE FUNCTION apps_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.search_text := lower(concat_ws(' ', NEW.title, NEW.name, NEW.summary, array_to_string(NEW.tags, ' '), (
            SELECT string_agg(concat_ws(' ', e->>'name', e->>'label', (
              SELECT string_agg(concat_ws(' ', f->>'name', f->>'label'), ' ') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e->'fields') = 'array' THEN e->'fields' ELSE '[]'::jsonb END) f
            )), ' ')
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(NEW.spec->'entities') = 'array' THEN NEW.spec->'entities' ELSE '[]'::jsonb END) e
          )));
          RETURN NEW;
        END $$`,
        `UPDATE apps SET title = title`,
      ]);
    },
  },
];
