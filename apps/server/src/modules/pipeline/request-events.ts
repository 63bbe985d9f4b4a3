import type { Db } from '../../db/schema.js';
import type { EventBus, OrgEvent } from '../events/event-bus.js';

/**
 * The event `request` telling the requester and the organisation's admins, publishers and reviewers
 * that a request or one of its steps changed: `step` and `stepState` name the step that moved, or are
 * null when the request itself changed (created). Read with `db`, so inside a transaction it sees
 * that transaction's change. Null when the request is gone.
 */
export async function requestEvent(db: Db, requestId: string, step: string | null, stepState: string | null): Promise<OrgEvent | null> {
  const row = await db.selectFrom('requests').select(['id', 'org_id', 'user_id', 'state', 'app_id', 'version', 'spec']).where('id', '=', requestId).executeTakeFirst();
  if (!row) return null;
  return {
    orgId: row.org_id,
    type: 'request',
    data: { id: row.id, name: typeof row.spec?.name === 'string' ? row.spec.name : null, state: row.state, step, stepState, appId: row.app_id, version: row.version },
    audience: { userId: row.user_id, roles: ['admin', 'publisher', 'reviewer'] },
  };
}

/**
 * Publishes a request event for live listeners only (SSE): progress no integration hears. A change
 * integrations hear (published, failed) is recorded with its transaction instead (`withEvents`).
 */
export async function publishRequestEvent(db: Db, events: EventBus, requestId: string, step: string | null, stepState: string | null): Promise<void> {
  const event = await requestEvent(db, requestId, step, stepState);
  if (event) events.publish(event);
}
