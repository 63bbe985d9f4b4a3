import type { DefaultNow, Json } from '../../db/column-types.js';
import type { Audience, OrgEvent } from './event-bus.js';

/**
 * Events written in the same transaction as the change that caused them (the transactional outbox,
 * decision 0042). A relay turns each row into what integrations need (webhook deliveries) and
 * deletes it in that same transaction, so a committed change is relayed once, even after a crash.
 */
export interface EventOutboxTable {
  id: string;
  org_id: string;
  type: OrgEvent['type'];
  data: Json<Record<string, unknown>>;
  audience: Json<Audience>;
  created_at: DefaultNow;
}

export interface EventsTables {
  event_outbox: EventOutboxTable;
}
