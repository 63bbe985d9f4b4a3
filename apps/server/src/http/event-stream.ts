import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  /** One SSE event: `event: <name>` and its JSON data. */
  send(event: string, data: unknown): void;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  end(): void;
}

/**
 * Turns a reply into a server-sent event stream (text/event-stream). The reply is hijacked, so
 * nothing that buffers or rewrites payloads in onSend runs; the headers the hooks already set
 * (security headers, CORS, rate limits) are kept. Events are written as they happen, with
 * proxies told not to buffer them either.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  const inherited: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined && name !== 'content-length' && name !== 'content-type') inherited[name] = value;
  reply.hijack();
  reply.raw.writeHead(200, {
    ...inherited,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  // (light-my-request's injected replies have neither a socket nor flushHeaders)
  if (typeof reply.raw.flushHeaders === 'function') reply.raw.flushHeaders();
  if (typeof request.raw.socket?.setNoDelay === 'function') request.raw.socket.setNoDelay(true);
  return {
    signal: controller.signal,
    send(event, data) {
      if (reply.raw.writableEnded || reply.raw.destroyed) return;
      reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!reply.raw.writableEnded) reply.raw.end();
    },
  };
}
