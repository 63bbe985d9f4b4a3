import { AppError } from '../../errors/app-error.js';

/** Every refusal of the webhooks area, with a stable code. */
export const WEBHOOK_CODES = {
  WEBHOOK_URL_INVALID: 422,
  WEBHOOK_TARGET_REFUSED: 422,
  WEBHOOK_DISABLED: 409,
} as const;
export type WebhookCode = keyof typeof WEBHOOK_CODES;

export class WebhookError extends AppError {
  constructor(
    readonly webhookCode: WebhookCode,
    message: string,
  ) {
    super(webhookCode, WEBHOOK_CODES[webhookCode], message);
    this.name = 'WebhookError';
  }
}
