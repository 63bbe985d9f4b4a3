import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { McpServerPool } from '../src/modules/mcp/mcp-server-pool.js';

/**
 * The stateless POST transport on its own, with an SDK server answering one tool: the refusals, codes
 * and shapes a Streamable HTTP client relies on (those of the SDK's web-standard transport).
 */
function echoServer(): Server {
  const server = new Server({ name: 'echo', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => ({ content: [{ type: 'text', text: `${String(request.params.arguments?.word)} for ${extra.authInfo?.clientId}` }] }));
  return server;
}

const pool = new McpServerPool(echoServer);
const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
const auth = (clientId: string) => ({ token: '', clientId, scopes: [] });
const call = (id: number, word: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { word } } });
const post = (body: unknown, sent: Record<string, string | undefined> = headers, caller = 'ana') => pool.handle(sent, body, auth(caller));

describe('MCP POST transport', () => {
  it('answers a call with its JSON-RPC result, for the caller it was handed', async () => {
    const answer = await post(call(7, 'hello'));
    expect(answer).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(JSON.parse(answer.body)).toEqual({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'hello for ana' }] } });
  });

  it('answers a batch with every answer once all are ready, and a notification alone with 202', async () => {
    const batch = JSON.parse((await post([call(1, 'one'), call(2, 'two'), { jsonrpc: '2.0', method: 'notifications/initialized' }], { ...headers, 'mcp-protocol-version': '2025-03-26' })).body);
    expect(batch.map((answer: { id: number; result: { content: { text: string }[] } }) => [answer.id, answer.result.content[0]!.text])).toEqual([[1, 'one for ana'], [2, 'two for ana']]);
    expect(await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).toEqual({ status: 202, body: '' });
  });

  it('initialises without a protocol version header and keeps no session', async () => {
    const answer = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 't', version: '1' } } }, { accept: headers.accept, 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).result).toMatchObject({ protocolVersion: LATEST_PROTOCOL_VERSION, serverInfo: { name: 'echo' } });
  });

  it('refuses what Streamable HTTP refuses, with the status and JSON-RPC error a client expects', async () => {
    const refusal = async (body: unknown, sent: Record<string, string | undefined>) => {
      const answer = await post(body, sent);
      return { status: answer.status, ...JSON.parse(answer.body).error, id: JSON.parse(answer.body).id };
    };
    expect(await refusal(call(1, 'x'), { ...headers, accept: 'application/json' })).toMatchObject({ status: 406, code: -32000, message: expect.stringContaining('text/event-stream'), id: null });
    expect(await refusal(call(1, 'x'), { ...headers, 'content-type': 'text/plain' })).toMatchObject({ status: 415, code: -32000 });
    expect(await refusal(call(1, 'x'), { ...headers, 'mcp-protocol-version': '1999-01-01' })).toMatchObject({ status: 400, code: -32000, message: expect.stringContaining('1999-01-01') });
    expect(await refusal({ id: 1, method: 'tools/call' }, headers)).toMatchObject({ status: 400, code: -32700 });
    expect(await refusal(Array.from({ length: 101 }, (_, index) => call(index, 'x')), headers)).toMatchObject({ status: 400, code: -32600 });
    const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    expect(await refusal([initialize, call(1, 'x')], headers)).toMatchObject({ status: 400, code: -32600, message: expect.stringContaining('Only one initialization') });
  });

  it('keeps overlapping callers apart though every client numbers its requests from 0', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => post(call(0, `w${index}`), headers, `caller-${index}`)));
    expect(answers.map((answer) => JSON.parse(answer.body).result.content[0].text)).toEqual(Array.from({ length: 12 }, (_, index) => `w${index} for caller-${index}`));
  });
});
