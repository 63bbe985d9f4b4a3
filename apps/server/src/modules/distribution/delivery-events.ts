import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';

/** Tells admins, publishers and the recipient user that a release delivery changed state (event `delivery`). */
export async function publishDelivery(db: Db, events: EventBus, deliveryId: string): Promise<void> {
  const row = await db
    .selectFrom('deliveries')
    .innerJoin('app_versions', 'app_versions.id', 'deliveries.version_id')
    .select(['deliveries.id', 'deliveries.org_id', 'deliveries.app_id', 'app_versions.version', 'deliveries.recipient', 'deliveries.state', 'deliveries.user_id'])
    .where('deliveries.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) return;
  events.publish({
    orgId: row.org_id,
    type: 'delivery',
    data: { id: row.id, appId: row.app_id, version: row.version, recipient: row.recipient, state: row.state },
    audience: { userId: row.user_id, roles: ['admin', 'publisher'] },
  });
}
