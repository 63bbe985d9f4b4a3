import type { Generated } from 'kysely';
import type { Timestamp, DefaultNow } from '../../db/column-types.js';

export interface DeliveriesTable {
  id: string;
  org_id: string;
  app_id: string;
  version_id: string;
  agent_id: string;
  user_id: string | null;
  recipient: string;
  state: 'queued' | 'sending' | 'sent' | 'failed';
  message_id: string | null;
  attempts: Generated<number>;
  error: string | null;
  requested_by: string | null;
  created_at: DefaultNow;
  updated_at: DefaultNow;
  sent_at: Timestamp | null;
}

/** The tables module distribution owns (its migrations create them); composition/database-schema.ts joins them into DB. */
export interface DistributionTables {
  deliveries: DeliveriesTable;
}
