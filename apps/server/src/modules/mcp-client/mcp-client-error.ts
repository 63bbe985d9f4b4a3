import { AppError } from '../../errors/app-error.js';
import type { Notice } from '../../http/notice.js';
import { noticeSentence } from '../../http/notice-sentence.js';

/** Every refusal and failure of the MCP client area, with a stable code and its HTTP status. */
export const MCP_CLIENT_CODES = {
  MCP_SERVER_NAME_TAKEN: 409,
  MCP_STDIO_DISABLED: 422,
  MCP_URL_INVALID: 422,
  MCP_TARGET_REFUSED: 422,
  MCP_SERVER_DISABLED: 409,
  MCP_SERVER_UNKNOWN: 422,
  MCP_TOOL_NOT_ALLOWED: 403,
  MCP_POLICY_REFUSED: 403,
  MCP_TOOL_UNKNOWN: 404,
  MCP_CONNECT_FAILED: 502,
  MCP_TIMEOUT: 504,
  MCP_OUTPUT_TOO_LARGE: 502,
  MCP_CALL_FAILED: 502,
  MCP_DEPLOYMENT_UNKNOWN: 404,
  MCP_DEPLOYMENT_NOT_LIVE: 409,
  MCP_TOOL_NOT_DECLARED: 403,
  MCP_ARGUMENT_FIXED: 403,
} as const;
export type McpClientCode = keyof typeof MCP_CLIENT_CODES;

export class McpClientError extends AppError {
  /** The message as codes and parameters the UI words (`mcpTest.*`), where one was written for it. */
  readonly notices: Notice[];

  constructor(
    readonly mcpCode: McpClientCode,
    message: string,
    options: { cause?: unknown; notices?: Notice[] } = {},
  ) {
    super(mcpCode, MCP_CLIENT_CODES[mcpCode], message, { cause: options.cause });
    this.name = 'McpClientError';
    this.notices = options.notices ?? [];
  }
}

/** An error whose message is its notices' English sentences: the UI words the same notices in its language. */
export const mcpFailure = (code: McpClientCode, notices: Notice[], cause?: unknown): McpClientError =>
  new McpClientError(code, notices.map((notice) => noticeSentence(notice, 'en', notice.code)).join(' '), { cause, notices });
