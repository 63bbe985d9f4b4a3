import type { WebhookFormat } from './webhooks-tables.js';

export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

const str = (value: unknown, fallback = '') => (typeof value === 'string' || typeof value === 'number' ? String(value) : fallback);

/** One line a person reads in a chat tool. */
export function summaryOf(payload: WebhookPayload): string {
  const d = payload.data;
  const app = `${str(d.name ?? d.app ?? d.appName, 'an app')}${d.version ? ` ${str(d.version)}` : ''}`;
  switch (payload.type) {
    case 'request.published':
      return `${app} was published.`;
    case 'request.failed':
      return `The request for ${app} failed${d.step ? ` at step ${str(d.step)}` : ''}.`;
    case 'approval.needed':
      return `${app} waits for a reviewer (${d.kind === 'distribute' ? 'distribution to other people' : 'publishing'}).`;
    case 'deployment.healthy':
      return `${app} is running and healthy on a workstation.`;
    case 'deployment.unhealthy':
      return `${app} is unhealthy on a workstation.`;
    case 'deployment.rolled_back':
      return `${app} was rolled back on a workstation.`;
    case 'review.added':
      return `${app} got a new review: ${str(d.rating)} of 5.`;
    case 'webhook.test':
      return 'Test message from the marketplace: this webhook works.';
    default:
      return `Marketplace event ${payload.type}.`;
  }
}

/** Slack's mrkdwn treats &, < and > as markup. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The request body for a subscription's format: the Standard Webhooks JSON (`{type, timestamp, data}`),
 * a Slack incoming-webhook message (`{text, blocks}`), or a Teams message carrying an Adaptive Card
 * (what Teams workflows' "When a Teams webhook request is received" takes).
 */
export function renderBody(format: WebhookFormat, payload: WebhookPayload): string {
  if (format === 'standard') return JSON.stringify(payload);
  const text = summaryOf(payload);
  const link = typeof payload.data.link === 'string' ? payload.data.link : undefined;
  if (format === 'slack') {
    const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }];
    const context = [{ type: 'mrkdwn', text: `\`${payload.type}\` · ${payload.timestamp}${link ? ` · <${link}|Open in the marketplace>` : ''}` }];
    blocks.push({ type: 'context', elements: context });
    return JSON.stringify({ text, blocks });
  }
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text, wrap: true, weight: 'Bolder' },
      { type: 'TextBlock', text: `${payload.type} · ${payload.timestamp}`, wrap: true, isSubtle: true, size: 'Small' },
    ],
    ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in the marketplace', url: link }] } : {}),
  };
  return JSON.stringify({ type: 'message', summary: text, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] });
}
