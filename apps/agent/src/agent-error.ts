export type AgentErrorCode =
  | 'NOT_ENROLLED'
  | 'ALREADY_ENROLLED'
  | 'ENROLL_FAILED'
  | 'SERVER_UNREACHABLE'
  | 'SERVER_REFUSED'
  | 'CONFIG_INVALID'
  | 'MAILBOX_SETTINGS'
  | 'APP_NOT_DEPLOYED'
  | 'NO_PREVIOUS_VERSION'
  | 'START_FAILED'
  | 'SETTING_REQUIRED'
  | 'SERVICE_INPUT'
  | 'SERVICE_FAILED'
  | 'APP_CALLS_UNAVAILABLE';

/** Everything the agent refuses on purpose: a stable code and a message that says what to do. */
export class AgentError extends Error {
  readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AgentError';
    this.code = code;
  }
}

export const isAgentError = (error: unknown): error is AgentError => error instanceof AgentError;
