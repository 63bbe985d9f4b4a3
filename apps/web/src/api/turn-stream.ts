import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ApiError } from './api-error';
import type { ConversationTurn } from './types';

/**
 * Read a conversation turn from the server's answer. With `Accept: text/event-stream` a server that
 * streams sends `delta` {text} events (the reply as it is written), then `turn` (the same JSON as the
 * plain route) or `error` (a problem+json body); a server that does not stream answers plain JSON,
 * which is used as it is.
 */
export async function readTurn(response: Response, onDelta: (text: string) => void): Promise<ConversationTurn> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream')) return (await response.json()) as ConversationTurn;
  if (!response.body) throw streamError('The reply stream was empty: try again.');
  let turn: ConversationTurn | null = null;
  let failure: ApiError | null = null;
  const parser = createParser({
    onEvent(event: EventSourceMessage) {
      const data = parseData(event.data);
      if (event.event === 'delta' && typeof data?.text === 'string') onDelta(data.text);
      else if (event.event === 'turn' && data) turn = data as unknown as ConversationTurn;
      else if (event.event === 'error') {
        const status = typeof data?.status === 'number' ? data.status : response.status >= 400 ? response.status : 500;
        failure = new ApiError({ status, code: String(data?.code ?? 'STREAM_ERROR'), detail: String(data?.detail ?? 'The reply could not be produced: try again.') });
      }
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  if (failure) throw failure;
  if (!turn) throw streamError('The reply stream ended before the answer was complete: try again.');
  return turn;
}

function parseData(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const streamError = (detail: string) => new ApiError({ status: 0, code: 'STREAM_INCOMPLETE', detail });
