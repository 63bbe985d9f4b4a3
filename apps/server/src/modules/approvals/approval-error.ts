import { AppError } from '../../errors/app-error.js';

/** Every refusal of the approvals area, with a stable code (also written to the audit entry). */
export const APPROVAL_CODES = {
  APPROVAL_DECIDED: 409,
  SELF_APPROVAL_FORBIDDEN: 403,
  REVIEWER_REQUIRED: 403,
  LINK_INVALID: 404,
  LINK_EXPIRED: 410,
  LINK_USED: 410,
  LINK_WRONG_REVIEWER: 403,
  HOST_REFUSED: 422,
} as const;
export type ApprovalCode = keyof typeof APPROVAL_CODES;

export class ApprovalError extends AppError {
  constructor(
    readonly approvalCode: ApprovalCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(approvalCode, APPROVAL_CODES[approvalCode], message, details ? { details } : {});
    this.name = 'ApprovalError';
  }
}
