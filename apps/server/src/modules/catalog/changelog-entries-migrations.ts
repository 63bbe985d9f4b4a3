import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * A version's changelog as notices (`[{code, params}]`, changelog-entries.ts) beside the signed
 * sentence, so the catalog words it in the reader's language. Versions published before have none
 * (null): they show their signed sentence.
 */
export const changelogEntriesMigrations = [
  {
    name: '1420_changelog_entries',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [`ALTER TABLE app_versions ADD COLUMN changelog_entries jsonb`]);
    },
  },
];
