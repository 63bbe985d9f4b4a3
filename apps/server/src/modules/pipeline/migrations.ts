import type { Kysely } from 'kysely';
import { runStatements } from '../../db/run-statements.js';

/**
 * Why a published request's release went to no workstation, as it was when it was published
 * ('not-automatic': the organisation sends releases only on install; 'no-workstation': the requester had
 * none enrolled). Null for requests published before: their reason is still worked out when read.
 */
export const requestDeliverySkippedMigrations = [
  {
    name: '1760_request_delivery_skipped',
    async up(db: Kysely<any>): Promise<void> {
      await runStatements(db, [`ALTER TABLE requests ADD COLUMN delivery_skipped text CHECK (delivery_skipped IN ('not-automatic', 'no-workstation'))`]);
    },
  },
];
