import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createRedisClient } from '../../config/redis-client.js';
import type { Logger } from 'pino';
import type { Role } from '../accounts/accounts-tables.js';
import { hasRole, type Principal } from '../auth/principal.js';

/** Who may see an event: that user, and/or anyone holding one of the roles (admin implies every role). */
export interface Audience {
  userId?: string | null | undefined;
  roles?: Exclude<Role, 'member'>[];
}

export interface OrgEvent {
  orgId: string;
  type: 'request' | 'deployment' | 'conversation' | 'delivery' | 'approval' | 'review' | 'message' | 'campaign' | 'mail-backlog';
  data: Record<string, unknown>;
  audience: Audience;
}

export type EventListener = (event: OrgEvent) => void;

/**
 * The organisation event bus: state changes (pipeline steps, deployments, conversations, deliveries)
 * published by routes and jobs, read by the SSE connections of the same organisation. `publish`
 * never throws: live updates are a convenience, the database stays the truth.
 */
export interface EventBus {
  publish(event: OrgEvent): void;
  subscribe(orgId: string, listener: EventListener): () => void;
  /**
   * Hears every event published by this process, of every organisation, once (never another
   * process's echo over Redis): outgoing integrations (webhooks, MQTT) send each event from the
   * process where it happened.
   */
  onPublish(listener: EventListener): () => void;
  /** Listeners subscribed in this process (of one organisation, or all). */
  subscriberCount(orgId?: string): number;
  /** Organisations with a listener in this process (live figures are worked out only for them). */
  subscribedOrgs(): string[];
  /** Resolves once events published by other processes arrive here (at once in-process). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function canSee(principal: Principal, event: OrgEvent): boolean {
  if (principal.orgId !== event.orgId) return false;
  const { userId, roles } = event.audience;
  if (userId && principal.userId === userId) return true;
  return !!roles?.some((role) => hasRole(principal, role));
}

/** Listeners of this process, by organisation. */
function localListeners() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    emit: (event: OrgEvent) => emitter.emit(event.orgId, event),
    subscribe(orgId: string, listener: EventListener) {
      emitter.on(orgId, listener);
      return () => void emitter.off(orgId, listener);
    },
    orgs: () => emitter.eventNames().filter((name): name is string => typeof name === 'string' && emitter.listenerCount(name) > 0),
    count: (orgId?: string) => (orgId ? emitter.listenerCount(orgId) : emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0)),
  };
}

/** The listeners of events published here; one that throws is skipped, the others still hear the event. */
function publishHooks() {
  const hooks = new Set<EventListener>();
  return {
    run(event: OrgEvent) {
      for (const hook of hooks) {
        try {
          hook(event);
        } catch {
          // publish never throws: live updates and integrations are conveniences, the database is the truth.
        }
      }
    },
    add(listener: EventListener) {
      hooks.add(listener);
      return () => void hooks.delete(listener);
    },
  };
}

/** Events stay in this process: one process runs the jobs and holds the SSE connections. */
export function createLocalEventBus(): EventBus {
  const local = localListeners();
  const hooks = publishHooks();
  return {
    publish(event) {
      local.emit(event);
      hooks.run(event);
    },
    subscribe: local.subscribe,
    onPublish: hooks.add,
    subscriberCount: local.count,
    subscribedOrgs: local.orgs,
    ready: async () => undefined,
    close: async () => undefined,
  };
}

export const EVENTS_CHANNEL = 'marketplace:events';

/**
 * Events over Redis pub/sub, so a `--role worker` process running the pipeline reaches the
 * `--role api` processes holding the SSE connections. Local listeners hear an event at once; other
 * processes hear it through the channel (a process ignores its own messages). While Redis is down,
 * other processes miss events (clients see the truth on their next fetch); nothing blocks.
 */
export function createRedisEventBus(url: string, logger: Logger): EventBus {
  const local = localListeners();
  const hooks = publishHooks();
  const origin = randomUUID();
  const options = { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false } as const;
  const publisher = createRedisClient(url, options);
  const subscriber = createRedisClient(url, options);
  let warned = false;
  const warn = (error: Error) => {
    if (warned) return;
    warned = true;
    logger.warn({ err: error, component: 'events' }, 'redis unavailable for live events; other processes miss events until it is back');
  };
  publisher.on('error', warn);
  subscriber.on('error', warn);
  subscriber.on('ready', () => (warned = false));
  const subscribed = subscriber.subscribe(EVENTS_CHANNEL).then(
    () => undefined,
    (error: Error) => warn(error),
  );
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== EVENTS_CHANNEL) return;
    try {
      const parsed = JSON.parse(message) as { origin: string; event: OrgEvent };
      if (parsed.origin !== origin && typeof parsed.event?.orgId === 'string') local.emit(parsed.event);
    } catch (error) {
      logger.warn({ err: error, component: 'events' }, 'an event on the redis channel was not JSON; ignored');
    }
  });
  return {
    publish(event) {
      local.emit(event);
      hooks.run(event);
      publisher.publish(EVENTS_CHANNEL, JSON.stringify({ origin, event })).catch((error: Error) => warn(error));
    },
    subscribe: local.subscribe,
    onPublish: hooks.add,
    subscriberCount: local.count,
    subscribedOrgs: local.orgs,
    ready: () => subscribed,
    async close() {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/** Redis when REDIS_URL is set, else in-process: one instance per process (server.ts). */
export function createConfiguredEventBus(config: { redisUrl?: string | undefined }, logger: Logger): EventBus {
  return config.redisUrl ? createRedisEventBus(config.redisUrl, logger) : createLocalEventBus();
}
