import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import formbody from '@fastify/formbody';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../config/redis-client.js';
import type { FastifyInstance } from 'fastify';
import { TooManyRequestsError } from '../errors/app-error.js';
import { securityHeaders } from './security-headers.js';

/**
 * Headers, CORS allow-list, cookies + CSRF, and rate limits. Limits key on the caller (user, API key
 * or agent) when signed in, else on the IP; the store is in-process, or Redis when REDIS_URL is set
 * so that every instance shares one budget.
 */
export default fp(
  async function security(app: FastifyInstance) {
    // helmet's header set, built once at start-up and copied onto every reply (errors and 404s too).
    const headers = securityHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      // The OpenAPI UI at /docs is ours to serve; keep its inline bootstrap working.
      hsts: app.config.env === 'production',
    });
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
    const allowed = new Set(app.config.corsOrigins);
    await app.register(cors, {
      origin: (origin, callback) => callback(null, !origin || allowed.has(origin) ? (origin ?? false) : false),
      credentials: true,
      exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
    });
    // OAuth2 token requests arrive form-encoded (RFC 6749).
    await app.register(formbody, { bodyLimit: 16_384 });
    await app.register(cookie, { secret: app.config.jwtSecret });
    await app.register(csrf, {
      cookieKey: 'mp_csrf',
      cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: app.config.publicUrl.startsWith('https:'), signed: true },
      getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
    });

    let redis: Redis | undefined;
    if (app.config.redisUrl) {
      redis = createRedisClient(app.config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
      redis.on('error', (error) => app.log.warn({ err: error }, 'redis unavailable for rate limits'));
      app.addHook('onClose', async () => {
        redis?.disconnect();
      });
    }
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: app.config.rateLimitPerMinute,
      timeWindow: 60_000,
      ...(redis ? { redis, nameSpace: 'mp-rl:', skipOnError: true } : {}),
      keyGenerator: (request) => (request.principal ? `${request.principal.kind}:${request.principal.id}` : `ip:${request.ip}`),
      errorResponseBuilder: (_request, context) =>
        new TooManyRequestsError(`Too many requests: the limit is ${context.max} per minute. Retry in ${Math.ceil(context.ttl / 1000)} s.`, context.ttl / 1000),
      enableDraftSpec: true,
    });
  },
  { name: 'security', dependencies: ['database'] },
);
