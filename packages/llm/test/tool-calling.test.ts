import { describe, expect, it } from 'vitest';
import { REQUEST_LIMITS, type LlmTool } from '../src/index.js';
import { useWireServer } from './support/recorded-wire-server.js';
import { testGateway, userRequest } from './support/test-gateway.js';

const server = useWireServer();

const CHAT = '/v1/chat/completions';
const openai = () => ({ id: 'openai', kind: 'openai' as const, apiKey: 'sk-test-openai-0123456789', baseURL: `${server.url}/v1`, defaultModel: 'gpt-4o-mini' });

/** The tool the recorded tool-call response asks for (`create_app` with name and kind). */
function createAppTool(answer: (input: Record<string, unknown>) => string | Promise<string>): LlmTool & { inputs: Record<string, unknown>[] } {
  const inputs: Record<string, unknown>[] = [];
  return {
    inputs,
    name: 'create_app',
    description: 'Registers an app draft and returns its id.',
    inputSchema: { type: 'object', properties: { name: { type: 'string' }, kind: { type: 'string' } }, required: ['name', 'kind'] },
    async execute(input) {
      inputs.push(input);
      return answer(input);
    },
  };
}

describe('tool calling through the gateway', () => {
  it('runs the tool the model asks for, sends its answer back, and records every model call (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-tool-call.json' }, { fixture: 'openai/chat-completion.json' });
    const { gateway, records } = testGateway({ providers: [openai()] });
    const tool = createAppTool(() => 'draft d-42 created');

    const result = await gateway.generateText(userRequest('track unpaid invoices', { tools: [tool] }));

    expect(tool.inputs).toEqual([{ name: 'invoice-tracker', kind: 'web-dashboard' }]);
    expect(result.text).toMatch(/^A web dashboard that lists open invoices/);
    expect(result.toolCalls).toEqual([{ name: 'create_app', outcome: 'ok', bytes: 18, truncated: false }]);
    // both model calls are counted: the tool-call step (131/22 tokens) and the answer (41/23)
    expect(result.usage).toEqual({ inputTokens: 172, outputTokens: 45, estimated: false });
    expect(result.costUsd).toBeCloseTo((172 * 0.15 + 45 * 0.6) / 1e6, 12);
    expect(records.map((r) => [r.outcome, r.inputTokens, r.outputTokens])).toEqual([
      ['success', 131, 22],
      ['success', 41, 23],
    ]);

    const [first, second] = server.requestsTo(CHAT);
    expect(first!.body.tools).toEqual([expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'create_app', description: 'Registers an app draft and returns its id.' }) })]);
    // the tool's answer reaches the model as a tool message, never in the system prompt
    expect(second!.body.messages[0]).toEqual({ role: 'system', content: userRequest('').system });
    expect(second!.body.messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_Vd2kQ8sLwX1mZp4rTn7yBc9e' })] });
    expect(second!.body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_Vd2kQ8sLwX1mZp4rTn7yBc9e', content: 'draft d-42 created' });
  });

  it('stops after the allowed rounds (the last model call may use no tool; one that does is a broken answer), and long answers are cut (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-tool-call.json' });
    const { gateway, records } = testGateway({ providers: [openai()] });
    const tool = createAppTool(() => 'é'.repeat(10_000));

    const result = await gateway.generateText(userRequest('track unpaid invoices', { tools: [tool] }));

    const sent = server.requestsTo(CHAT);
    expect(sent).toHaveLength(REQUEST_LIMITS.maxToolSteps);
    expect(tool.inputs).toHaveLength(REQUEST_LIMITS.maxToolSteps - 1);
    expect(sent.at(-1)!.body.tool_choice).toBe('none');
    expect(sent.slice(0, -1).every((r) => r.body.tool_choice !== 'none')).toBe(true);
    // three tool rounds were answered and are counted; the fourth call broke the rule and is an error, not retried
    expect(records.map((r) => r.outcome)).toEqual(['success', 'success', 'success', 'error', 'success']);
    expect(records.at(-1)!.provider).toBe('builtin');
    expect(result).toMatchObject({ provider: 'builtin', notice: 'providers-unavailable' });
    const toolMessage = sent.at(-1)!.body.messages.at(-1);
    expect(Buffer.byteLength(toolMessage.content.split('\n[cut')[0])).toBeLessThanOrEqual(REQUEST_LIMITS.maxToolResultBytes);
    expect(toolMessage.content).toContain(`[cut: the tool answered more than ${REQUEST_LIMITS.maxToolResultBytes} bytes]`);
    expect(toolMessage.content).not.toContain('\uFFFD');
    expect(sent.slice(1).every((r) => r.body.messages.at(-1).content.includes('[cut: the tool answered more than'))).toBe(true);
  });

  it('tells the model when a tool failed, and never serves a tool-using call from the cache (recorded wire-protocol server)', async () => {
    server.on('POST', CHAT, { fixture: 'openai/chat-completion-tool-call.json' }, { fixture: 'openai/chat-completion.json' }, { fixture: 'openai/chat-completion-tool-call.json' }, { fixture: 'openai/chat-completion.json' });
    const { gateway } = testGateway({ providers: [openai()] });
    const tool = createAppTool(() => {
      throw new Error('the tracker is down');
    });

    const first = await gateway.generateText(userRequest('track unpaid invoices', { tools: [tool] }));
    const again = await gateway.generateText(userRequest('track unpaid invoices', { tools: [tool] }));

    expect(first.toolCalls).toEqual([{ name: 'create_app', outcome: 'error', bytes: expect.any(Number), truncated: false }]);
    expect(server.requestsTo(CHAT)[1]!.body.messages.at(-1).content).toBe('The tool failed: the tracker is down');
    expect(again.cacheHit).toBe(false);
    expect(server.requestsTo(CHAT)).toHaveLength(4);
  });

  it('refuses tools with bad names or schemas, and tools on streamText', async () => {
    const { gateway } = testGateway({ providers: [openai()] });
    const tool = createAppTool(() => 'ok');
    await expect(gateway.generateText(userRequest('x', { tools: [{ ...tool, name: 'has space' }] }))).rejects.toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('tool name') });
    await expect(gateway.generateText(userRequest('x', { tools: [{ ...tool, inputSchema: { type: 'string' } }] }))).rejects.toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('type "object"') });
    await expect(gateway.generateText(userRequest('x', { tools: [tool, tool] }))).rejects.toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('unique') });
    await expect(gateway.streamText(userRequest('x', { tools: [tool] })).result).rejects.toMatchObject({ code: 'REQUEST_INVALID' });
    expect(server.requests).toHaveLength(0);
  });
});
