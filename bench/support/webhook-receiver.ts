/**
 * The fan-out bench's receivers, in their own process (forked by bench/webhook-fanout.ts) so the
 * parsing and signature checks of 10 subscribers never share the event loop of the sender. Each
 * request `/<mode>/<subscriber>` is verified with the standardwebhooks package against that
 * subscriber's secret; its arrival time (wall clock, ms with fractions: performance.timeOrigin +
 * performance.now(), comparable across processes on one machine) goes back to the parent over IPC,
 * batched every 20 ms.
 *   parent → { secrets: { "queued/0": "whsec_…", … } }     child → { ready: port }
 *   child → { arrivals: [[mode, subscriber, eventId, arrivedAt, verified], …] }
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';

type Arrival = [mode: string, subscriber: string, eventId: string, arrivedAt: number, verified: boolean];

const verifiers = new Map<string, Webhook>();
let pending: Arrival[] = [];

process.on('message', (message: { secrets?: Record<string, string> }) => {
  for (const [key, secret] of Object.entries(message.secrets ?? {})) verifiers.set(key, new Webhook(secret));
});

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const arrivedAt = performance.timeOrigin + performance.now();
    const body = Buffer.concat(chunks).toString('utf8');
    const [, mode = '', subscriber = ''] = (request.url ?? '').split('/');
    let verified = false;
    let eventId = '';
    try {
      const payload = verifiers.get(`${mode}/${subscriber}`)?.verify(body, request.headers as Record<string, string>) as { data?: { id?: string } } | undefined;
      verified = payload !== undefined;
      eventId = payload?.data?.id ?? '';
    } catch {
      try {
        eventId = (JSON.parse(body) as { data?: { id?: string } }).data?.id ?? '';
      } catch {
        eventId = '';
      }
    }
    pending.push([mode, subscriber, eventId, arrivedAt, verified]);
    response.writeHead(verified ? 204 : 401).end();
  });
});

setInterval(() => {
  if (pending.length === 0) return;
  process.send!({ arrivals: pending });
  pending = [];
}, 20);
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send!({ ready: (server.address() as AddressInfo).port }));
