import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/** One review per user and app, editable; the app's rating is kept beside it. */
export const reviewsMigrations = [
  {
    name: '0007_reviews',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [
        `CREATE TABLE reviews (
          id uuid PRIMARY KEY,
          org_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
          app_id uuid NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
          user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
          text text NOT NULL DEFAULT '',
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (app_id, user_id)
        )`,
      ]);
    },
  },
];
