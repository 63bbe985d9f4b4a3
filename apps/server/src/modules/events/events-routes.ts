import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withErrors } from '../../http/responses.js';
import { canSee } from './event-bus.js';

/** A comment line this often keeps proxies and load balancers from closing a quiet stream. */
export const PING_MS = 15_000;
/** A client that has not read this much is too slow: its connection is dropped (it reconnects). */
export const MAX_BUFFERED_BYTES = 256 * 1024;
/** Streams end after this long; the browser reconnects at once, and sign-in is checked again. */
export const MAX_STREAM_MS = 10 * 60_000;
/**
 * How often an open stream checks that its caller may still see it (session, key or agent client
 * still valid, same roles). A credential this process ends is checked at once; one ended by another
 * process (nothing tells this one) within this time plus the credential cache's.
 */
export const RECHECK_MS = PING_MS;
const READY_WAIT_MS = 2000;

const STREAM_DESCRIPTION = [
  'Server-sent events for the caller\'s organisation, filtered to what the caller may see.',
  'First `retry: 3000` and `event: ready` (`data: {}`), then messages `event: <type>`, `id: <n>`, `data: <json>`:',
  '`request` {id, state, step, stepState, appId, version}; `deployment` {id, appId, app, version, agentId, state, health, updatedAt};',
  '`conversation` {id, state}; `delivery` {id, appId, version, recipient, state}; `message` {id, appId, classification, subject} (a mail in the inbox of an app the caller owns);',
  '`campaign` {id, appId, state, counts} (its creator and admins); `mail-backlog` {waiting, processing, quarantined, oldestSeconds} (admins). A `: ping` comment every 15 s.',
  'The stream ends when the caller signs out or is disabled, its roles change, or its API key or agent client is revoked (at once on the instance that made the change, within 20 s on others), and after 10 minutes: reconnect to go on.',
].join(' ');

/** GET /events: live updates over SSE (EventSource sends the session cookie; Bearer works too). */
export default async function eventsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const open = new Set<() => void>();
  // Open streams would hold server.close() forever: end them first.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/events', {
    schema: {
      tags: ['events'],
      summary: 'Live updates: pipeline steps, deployments, conversations and deliveries (text/event-stream)',
      description: STREAM_DESCRIPTION,
      response: withErrors({ 200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: z.string() } } } as unknown as z.ZodType }),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      // In Redis mode, `ready` promises that events from other processes arrive from here on.
      await Promise.race([app.events.ready(), new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref())]);
      reply.hijack();
      const response = reply.raw;
      // Headers set by earlier hooks (security headers, CORS, request id) would be lost on a hijacked reply.
      response.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let ended = false;
      let sequence = 0;
      const write = (chunk: string) => {
        if (ended) return;
        if (response.writableLength > MAX_BUFFERED_BYTES) {
          request.log.info({ buffered: response.writableLength }, 'event stream dropped: the client reads too slowly');
          end(true);
          return;
        }
        response.write(chunk);
      };
      const unsubscribe = app.events.subscribe(principal.orgId, (event) => {
        if (!canSee(principal, event)) return;
        sequence += 1;
        write(`event: ${event.type}\nid: ${sequence}\ndata: ${JSON.stringify(event.data)}\n\n`);
      });
      const ping = setInterval(() => write(': ping\n\n'), PING_MS);
      const maxAge = setTimeout(() => end(), MAX_STREAM_MS);
      // A signed-out, disabled or demoted caller, a revoked key or agent: the stream ends (the client
      // reconnects and is asked to sign in again, or sees what its roles allow now).
      const recheck = async () => {
        if (ended) return;
        const valid = await app.credentialStillValid(principal).catch(() => true);
        if (!valid && !ended) {
          request.log.info({ principal: principal.kind, id: principal.id }, 'event stream ended: its credential ended or its roles changed');
          end();
        }
      };
      const rechecking = setInterval(() => void recheck(), RECHECK_MS);
      const stopListening = app.credentialCache.onForget((forgotten) => {
        const concerned =
          forgotten.kind === 'session' ? forgotten.id === principal.sessionId : forgotten.kind === 'agent' ? principal.kind === 'agent' && forgotten.id === principal.id : principal.kind === 'api-key';
        if (concerned) setImmediate(() => void recheck());
      });
      function end(drop = false) {
        if (ended) return;
        ended = true;
        unsubscribe();
        stopListening();
        clearInterval(rechecking);
        clearInterval(ping);
        clearTimeout(maxAge);
        open.delete(end);
        if (drop) response.destroy();
        else response.end();
      }
      open.add(end);
      response.on('close', () => end());
      if (response.destroyed) return end();
      write('retry: 3000\nevent: ready\ndata: {}\n\n');
    },
  });
}
