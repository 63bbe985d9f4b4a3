import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { createLocalEventBus, type EventBus } from './event-bus.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The organisation event bus: routes publish state changes, GET /api/v1/events streams them. */
    events: EventBus;
  }
}

/**
 * Decorates `app.events`: the process's one bus when given (server.ts, shared with the job workers
 * and closed there), else an in-process bus of this app's own (tests, one-off tools).
 */
export default fp(
  async function eventsPlugin(app: FastifyInstance, options: { events?: EventBus | undefined }) {
    app.decorate('events', options.events ?? createLocalEventBus());
  },
  { name: 'events' },
);
