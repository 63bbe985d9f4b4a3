import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { MAX_BATCH_SIZE } from '@modelcontextprotocol/sdk/server/requestBody.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest, isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse, JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

/** One answer of the transport: status, content type (none with an empty body) and the JSON text. */
export interface McpAnswer {
  status: number;
  contentType?: string;
  body: string;
}

/** The request headers the transport reads, as Node.js parsed them. */
export type McpPostHeaders = Record<string, string | string[] | undefined>;

const header = (headers: McpPostHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

const jsonError = (status: number, code: number, message: string): McpAnswer => ({ status, contentType: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }) });

/**
 * Streamable HTTP for one POST of a stateless server answering in JSON, straight from the body and
 * headers Fastify already parsed: the SDK's web-standard transport in that mode, minus building a
 * `Request`, a `Response` and reading its stream back (a fifth of an MCP call's cost on the server,
 * decision 0056). The checks, their order, status codes and JSON-RPC errors are the SDK transport's
 * (1.32), with its own schema, media-type test, protocol versions and batch limit; no session id,
 * no SSE stream: server-initiated messages outside an answer have nowhere to go and are dropped.
 */
export class McpPostTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  sessionId = undefined;
  private readonly pending = new Map<RequestId, JSONRPCMessage | undefined>();
  private settle?: (answer: McpAnswer) => void;
  private closed = false;

  async start(): Promise<void> {}

  /** Answer the POST: the JSON-RPC answers of its requests once all are ready, 202 for notifications only, or the refusal. */
  answer(headers: McpPostHeaders, body: unknown, authInfo: AuthInfo): Promise<McpAnswer> | McpAnswer {
    const accept = header(headers, 'accept');
    // As the SDK: Accept is a list, so a substring test; Content-Type is a parsed media type.
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return jsonError(406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    if (!isJsonContentType(header(headers, 'content-type') ?? null)) return jsonError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) return jsonError(400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
    const parsed = (Array.isArray(body) ? body : [body]).map((message) => JSONRPCMessageSchema.safeParse(message));
    if (parsed.some((result) => !result.success)) return jsonError(400, -32700, 'Parse error: Invalid JSON-RPC message');
    const messages = parsed.map((result) => result.data!);
    if (messages.some(isInitializeRequest)) {
      if (messages.length > 1) return jsonError(400, -32600, 'Invalid Request: Only one initialization request is allowed');
    } else {
      const version = header(headers, 'mcp-protocol-version');
      if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return jsonError(400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
    }
    const extra = { authInfo, requestInfo: { headers } };
    if (!messages.some(isJSONRPCRequest)) {
      for (const message of messages) this.onmessage?.(message, extra);
      return { status: 202, body: '' };
    }
    return new Promise((resolve) => {
      this.settle = resolve;
      for (const message of messages) if (isJSONRPCRequest(message)) this.pending.set(message.id, undefined);
      for (const message of messages) this.onmessage?.(message, extra);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Only answers have a place in a JSON reply; progress or log notifications are dropped, as the SDK does in this mode.
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    const id = message.id;
    if (this.closed || id === undefined || !this.pending.has(id)) throw new Error(`No connection established for request ID: ${String(id)}`);
    this.pending.set(id, message);
    const answers = [...this.pending.values()];
    if (answers.some((answer) => answer === undefined)) return;
    this.settle?.({ status: 200, contentType: 'application/json', body: JSON.stringify(answers.length === 1 ? answers[0] : answers) });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.onclose?.();
  }
}
