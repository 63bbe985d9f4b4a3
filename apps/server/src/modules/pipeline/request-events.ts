import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';

/**
 * Tells the requester and the organisation's admins, publishers and reviewers that a request or
 * one of its steps changed (event `request`): `step` and `stepState` name the step that moved, or
 * are null when the request itself changed (created).
 */
export async function publishRequestEvent(db: Db, events: EventBus, requestId: string, step: string | null, stepState: string | null): Promise<void> {
  const row = await db.selectFrom('requests').select(['id', 'org_id', 'user_id', 'state', 'app_id', 'version', 'spec']).where('id', '=', requestId).executeTakeFirst();
  if (!row) return;
  events.publish({
    orgId: row.org_id,
    type: 'request',
    data: { id: row.id, name: typeof row.spec?.name === 'string' ? row.spec.name : null, state: row.state, step, stepState, appId: row.app_id, version: row.version },
    audience: { userId: row.user_id, roles: ['admin', 'publisher', 'reviewer'] },
  });
}
