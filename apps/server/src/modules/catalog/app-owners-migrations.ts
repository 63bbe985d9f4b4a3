import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * Apps have owners (users or groups). Apps published before owners existed get the requester of their
 * first version as owner, or their author when no request is left.
 */
export const appOwnersMigrations = [
  {
    name: '0301_app_owners',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE app_owners (
          id uuid PRIMARY KEY,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          user_id uuid REFERENCES users(id) ON DELETE CASCADE,
          group_id uuid REFERENCES groups(id) ON DELETE CASCADE,
          added_by uuid REFERENCES users(id) ON DELETE SET NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          CHECK ((user_id IS NULL) <> (group_id IS NULL))
        )`,
        `CREATE UNIQUE INDEX app_owners_user_key ON app_owners (app_id, user_id) WHERE user_id IS NOT NULL`,
        `CREATE UNIQUE INDEX app_owners_group_key ON app_owners (app_id, group_id) WHERE group_id IS NOT NULL`,
        `CREATE INDEX app_owners_user_idx ON app_owners (user_id)`,
        `INSERT INTO app_owners (id, app_id, org_id, user_id)
          SELECT gen_random_uuid(), a.id, a.org_id, coalesce(
            (SELECT r.user_id FROM app_versions v JOIN requests r ON r.id = v.request_id
              WHERE v.app_id = a.id AND r.user_id IS NOT NULL ORDER BY v.published_at, v.id LIMIT 1),
            a.author_id)
          FROM apps a
          WHERE coalesce(
            (SELECT r.user_id FROM app_versions v JOIN requests r ON r.id = v.request_id
              WHERE v.app_id = a.id AND r.user_id IS NOT NULL ORDER BY v.published_at, v.id LIMIT 1),
            a.author_id) IS NOT NULL`,
      ]);
    },
  },
];
