import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/api-error';
import { readTurn } from '../src/api/turn-stream';

const turn = { id: 'c1', reply: 'Hello there', spec: { kind: 'form-app' }, missing: [], questions: [], actions: [], suggestions: [], similar: [], state: 'open', language: 'en', requestId: null, intent: null, notice: null };

/** A streamed body cut into arbitrary chunks, as the network delivers it. */
function sse(text: string, chunk = 7): Response {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += chunk) controller.enqueue(bytes.slice(i, i + chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

describe('reading a conversation turn', () => {
  it('hands over the reply as it is written, then the whole turn', async () => {
    const deltas: string[] = [];
    const result = await readTurn(sse(`event: delta\ndata: {"text":"Hello"}\n\nevent: delta\ndata: {"text":" there"}\n\nevent: turn\ndata: ${JSON.stringify(turn)}\n\n`), (text) => deltas.push(text));
    expect(deltas).toEqual(['Hello', ' there']);
    expect(result).toEqual(turn);
  });

  it('uses a plain JSON answer from a server that does not stream', async () => {
    const deltas: string[] = [];
    const result = await readTurn(new Response(JSON.stringify(turn), { headers: { 'content-type': 'application/json' } }), (text) => deltas.push(text));
    expect(result.reply).toBe('Hello there');
    expect(deltas).toEqual([]);
  });

  it('turns an error event into the problem the user sees', async () => {
    const failure = await readTurn(sse('event: delta\ndata: {"text":"Hel"}\n\nevent: error\ndata: {"code":"LLM_BUDGET_EXCEEDED","detail":"The monthly LLM budget is used up; ask an admin."}\n\n'), () => {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('LLM_BUDGET_EXCEEDED');
    expect((failure as ApiError).detail).toBe('The monthly LLM budget is used up; ask an admin.');
  });

  it('says so when the stream ends before the turn arrives, with a retry', async () => {
    const failure = (await readTurn(sse('event: delta\ndata: {"text":"Hel"}\n\n'), () => {}).catch((error: unknown) => error)) as ApiError;
    expect(failure.code).toBe('STREAM_INCOMPLETE');
    expect(failure.retryable).toBe(true);
  });
});
