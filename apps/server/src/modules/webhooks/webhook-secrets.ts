import type { Config } from '../../config/config.js';
import { createSecretBox, type SecretBox } from '../llm-settings/secret-box.js';

/** Webhook signing secrets at rest: sealed like LLM provider keys, under a key of their own, bound to org and subscription. */
export function webhookSecretBox(config: Config): SecretBox {
  return createSecretBox(config.jwtSecret ?? 'development-secret-missing', {
    salt: 'marketplace/webhook-secrets',
    info: 'aes-256-gcm webhook signing secret v1',
    what: 'webhook signing secret',
    fix: 'delete the webhook and create it again (receivers then need the new secret)',
  });
}

export const secretContext = (orgId: string, subscriptionId: string) => `webhook:${orgId}:${subscriptionId}`;
