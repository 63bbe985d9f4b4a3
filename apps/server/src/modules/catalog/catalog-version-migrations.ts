import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * A counter per organisation that moves whenever anything a catalog card or search shows may have
 * changed: any app row written or deleted (its figures follow deployments and reviews by the triggers
 * of 1240, so those count too), or an author renamed. The catalog keeps its search answers in memory
 * keyed by this counter (catalog-search-cache.ts); each bump also notifies `catalog_version` with
 * `<org id> <version>`, delivered at commit (PGlite's in-process listener reads it). The triggers are deferred to commit, so a writer
 * takes the counter's row lock last and holds it only while committing: never while it waits for
 * another app's row, which could otherwise deadlock two writers. No foreign key to organizations:
 * deleting one deletes its apps, whose deferred bump runs after the organisation is gone.
 */
export const catalogVersionMigrations = [
  {
    name: '1310_catalog_versions',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE catalog_versions (
          org_id uuid PRIMARY KEY,
          version bigint NOT NULL DEFAULT 1
        )`,
        `CREATE FUNCTION catalog_version_bump(target uuid) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE next bigint;
        BEGIN
          INSERT INTO catalog_versions (org_id, version) VALUES (target, 1)
          ON CONFLICT (org_id) DO UPDATE SET version = catalog_versions.version + 1
          RETURNING version INTO next;
          PERFORM pg_notify('catalog_version', target::text || ' ' || next::text);
        END $$`,
        `CREATE FUNCTION apps_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN PERFORM catalog_version_bump(OLD.org_id); END IF;
          IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.org_id IS DISTINCT FROM OLD.org_id) THEN PERFORM catalog_version_bump(NEW.org_id); END IF;
          RETURN NULL;
        END $$`,
        `CREATE CONSTRAINT TRIGGER apps_catalog_version AFTER INSERT OR UPDATE OR DELETE ON apps
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION apps_catalog_version()`,
        `CREATE FUNCTION users_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM catalog_version_bump(NEW.org_id);
          RETURN NULL;
        END $$`,
        `CREATE CONSTRAINT TRIGGER users_catalog_version AFTER UPDATE OF name ON users
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION users_catalog_version()`,
      ]);
    },
  },
];
