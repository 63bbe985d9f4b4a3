import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * A catalog card's figures live on the app's row and follow the changes that move them: installs and
 * healthy / unhealthy workstations follow every deployment written (reports, removals, agents
 * deleted), the rating follows every review written or deleted. Triggers, so that no code path
 * (including cascading deletes) can forget one; each recounts only the one app touched, after
 * locking its row so two concurrent changes to the same app never lose one another.
 */
export const cardFiguresMigrations = [
  {
    name: '1240_app_card_figures',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `ALTER TABLE apps ADD COLUMN healthy integer NOT NULL DEFAULT 0, ADD COLUMN unhealthy integer NOT NULL DEFAULT 0`,
        `CREATE FUNCTION apps_count_deployments(target uuid) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM 1 FROM apps WHERE id = target FOR UPDATE;
          UPDATE apps SET installs = c.installs, healthy = c.healthy, unhealthy = c.unhealthy
          FROM (
            SELECT count(DISTINCT agent_id) FILTER (WHERE state IN ('received', 'deploying', 'healthy', 'unhealthy'))::int AS installs,
                   count(DISTINCT agent_id) FILTER (WHERE state = 'healthy')::int AS healthy,
                   count(DISTINCT agent_id) FILTER (WHERE state = 'unhealthy')::int AS unhealthy
            FROM deployments WHERE app_id = target
          ) c
          WHERE apps.id = target AND (apps.installs, apps.healthy, apps.unhealthy) IS DISTINCT FROM (c.installs, c.healthy, c.unhealthy);
        END $$`,
        `CREATE FUNCTION deployments_count_for_apps() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' AND OLD.app_id IS NOT NULL THEN PERFORM apps_count_deployments(OLD.app_id); END IF;
          IF TG_OP <> 'DELETE' AND NEW.app_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.app_id IS DISTINCT FROM OLD.app_id) THEN
            PERFORM apps_count_deployments(NEW.app_id);
          END IF;
          RETURN NULL;
        END $$`,
        `CREATE TRIGGER deployments_count_insert_delete AFTER INSERT OR DELETE ON deployments FOR EACH ROW EXECUTE FUNCTION deployments_count_for_apps()`,
        `CREATE TRIGGER deployments_count_update AFTER UPDATE ON deployments FOR EACH ROW
          WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.app_id IS DISTINCT FROM NEW.app_id OR OLD.agent_id IS DISTINCT FROM NEW.agent_id)
          EXECUTE FUNCTION deployments_count_for_apps()`,
        `CREATE FUNCTION apps_count_reviews(target uuid) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM 1 FROM apps WHERE id = target FOR UPDATE;
          UPDATE apps SET rating_avg = c.avg, rating_count = c.n
          FROM (SELECT avg(rating)::real AS avg, count(*)::int AS n FROM reviews WHERE app_id = target) c
          WHERE apps.id = target;
        END $$`,
        `CREATE FUNCTION reviews_count_for_apps() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN PERFORM apps_count_reviews(OLD.app_id); END IF;
          IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.app_id IS DISTINCT FROM OLD.app_id) THEN PERFORM apps_count_reviews(NEW.app_id); END IF;
          RETURN NULL;
        END $$`,
        `CREATE TRIGGER reviews_count_insert_delete AFTER INSERT OR DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION reviews_count_for_apps()`,
        `CREATE TRIGGER reviews_count_update AFTER UPDATE ON reviews FOR EACH ROW
          WHEN (OLD.rating IS DISTINCT FROM NEW.rating OR OLD.app_id IS DISTINCT FROM NEW.app_id)
          EXECUTE FUNCTION reviews_count_for_apps()`,
        // Figures of the apps that exist already (installs was never written before).
        `SELECT apps_count_deployments(id), apps_count_reviews(id) FROM apps`,
        // The catalog's three sorts read the first page straight off an index.
        `CREATE INDEX apps_catalog_newest_idx ON apps (org_id, updated_at DESC, id) WHERE latest_version IS NOT NULL`,
        `CREATE INDEX apps_catalog_installs_idx ON apps (org_id, installs DESC, updated_at DESC, id) WHERE latest_version IS NOT NULL`,
        `CREATE INDEX apps_catalog_rating_idx ON apps (org_id, rating_avg DESC NULLS LAST, updated_at DESC, id) WHERE latest_version IS NOT NULL`,
      ]);
    },
  },
];
