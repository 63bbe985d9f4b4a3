import type { OrgEvent } from '../events/event-bus.js';
import type { WebhookEventType } from './webhooks-tables.js';

const DEPLOYMENT_EVENTS: Record<string, WebhookEventType> = { healthy: 'deployment.healthy', unhealthy: 'deployment.unhealthy', 'rolled-back': 'deployment.rolled_back' };

/**
 * Which webhook event an organisation event is, if any, and the data it carries: ids, names,
 * versions and states only (no personal mail bodies, no review text, no secrets), plus a link
 * into the web UI.
 */
export function toWebhookEvent(event: OrgEvent, publicUrl: string): { type: WebhookEventType; data: Record<string, unknown> } | null {
  const d = event.data;
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((key) => d[key] !== undefined).map((key) => [key, d[key]]));
  switch (event.type) {
    case 'request': {
      const data = { ...pick('id', 'name', 'appId', 'version', 'state', 'step'), link: `${publicUrl}/requests/${String(d.id)}` };
      if (d.state === 'published' && d.step === 'publish' && d.stepState === 'done') return { type: 'request.published', data };
      if (d.state === 'failed' && d.stepState === 'failed') return { type: 'request.failed', data };
      return null;
    }
    case 'approval':
      return d.state === 'waiting' ? { type: 'approval.needed', data: { ...pick('id', 'kind', 'appName', 'appId', 'version', 'state'), link: `${publicUrl}/approvals` } } : null;
    case 'deployment': {
      const type = DEPLOYMENT_EVENTS[String(d.state)];
      return type ? { type, data: { ...pick('id', 'appId', 'app', 'version', 'agentId', 'state', 'health'), link: `${publicUrl}/deployments` } } : null;
    }
    case 'review':
      return d.created === true ? { type: 'review.added', data: { ...pick('appId', 'app', 'rating'), link: `${publicUrl}/apps/${String(d.appId)}` } } : null;
    default:
      return null;
  }
}
