import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpPostTransport, type McpAnswer, type McpPostHeaders } from './mcp-post-transport.js';

/** Idle servers kept: more than the requests one process answers at once wastes memory, fewer rebuilds servers under load. */
const MAX_IDLE_SERVERS = 16;

/**
 * Stateless Streamable HTTP with servers built once and reused: building a server (its handler table and
 * schemas) was most of what an MCP call cost over the same REST call. A server answers one request at a
 * time — the SDK's protocol object holds one transport and keys handlers by JSON-RPC id, which every
 * client starts at 0 — so a request takes an idle server (or builds one), connects a fresh transport for
 * that one POST, and gives the server back once its answer is complete and the transport closed. A server
 * keeps no caller: each request's caller reaches the handlers through the transport's `authInfo`.
 */
export class McpServerPool {
  private readonly idle: Server[] = [];

  constructor(private readonly build: () => Server) {}

  /** Answer one HTTP POST (body already parsed) for the caller in `authInfo`: the response's status, content type and body. */
  async handle(headers: McpPostHeaders, parsedBody: unknown, authInfo: AuthInfo): Promise<McpAnswer> {
    const server = this.idle.pop() ?? this.build();
    const transport = new McpPostTransport();
    let reusable = false;
    try {
      await server.connect(transport);
      // The answer exists only once every request in the body has been answered, so closing aborts nothing still running.
      const answer = await transport.answer(headers, parsedBody, authInfo);
      reusable = true;
      return answer;
    } finally {
      await server.close();
      if (reusable && this.idle.length < MAX_IDLE_SERVERS) this.idle.push(server);
    }
  }
}
