import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, withErrors } from '../../http/responses.js';
import { attemptSchema, deliverySchema, deliveryView, subscriptionSchema, subscriptionView } from './webhook-views.js';
import { attemptsOf, deleteSubscription, findDelivery, findSubscription, listDeliveries, listSubscriptions } from './webhooks-repository.js';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from './webhooks-tables.js';

const ADMIN = { roles: ['admin' as const] };
const TAGS = ['webhooks'];
const events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, { message: 'choose at least one event' }).max(WEBHOOK_EVENT_TYPES.length).transform((list) => [...new Set(list)]);
const url = z.string().trim().min(1).max(2000).describe('http(s) URL; loopback, private and link-local targets are refused unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true');
const createBody = z
  .object({ url, description: z.string().trim().max(200).default(''), events, format: z.enum(WEBHOOK_FORMATS).default('standard'), enabled: z.boolean().default(true) })
  .strict();
const updateBody = z
  .object({ url: url.optional(), description: z.string().trim().max(200).optional(), events: events.optional(), format: z.enum(WEBHOOK_FORMATS).optional(), enabled: z.boolean().optional() })
  .strict();

/** The organisation's outgoing webhooks (admins): subscriptions, their delivery log, replay and test-send. */
export default async function webhooksRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/webhooks', {
    config: { auth: ADMIN },
    schema: { tags: TAGS, summary: 'Webhook subscriptions of my organisation', response: withErrors({ 200: z.object({ items: z.array(subscriptionSchema), eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)) }) }) },
    handler: async (request) => ({ items: (await listSubscriptions(app.db, request.principal!.orgId)).map(subscriptionView), eventTypes: [...WEBHOOK_EVENT_TYPES] }),
  });

  app.post('/webhooks', {
    config: { auth: ADMIN, audit: 'webhook.create' },
    schema: {
      tags: TAGS,
      summary: 'Subscribe a URL to events; the answer carries the signing secret, shown this once',
      body: createBody,
      response: withErrors({ 201: subscriptionSchema.extend({ secret: z.string().describe('whsec_… : verify webhook-signature with it (Standard Webhooks); not shown again') }) }, [422]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const { subscription, secret } = await app.webhooks.create(principal.orgId, principal.userId ?? null, request.body);
      request.auditInfo = { targetType: 'webhook', targetId: subscription.id, details: { url: subscription.url, events: subscription.events, format: subscription.format } };
      return reply.code(201).send({ ...subscriptionView(subscription), secret });
    },
  });

  app.get('/webhooks/:id', {
    config: { auth: ADMIN },
    schema: { tags: TAGS, summary: 'One webhook subscription', params: idParams, response: withErrors({ 200: subscriptionSchema }, [404]) },
    handler: async (request) => {
      const row = await findSubscription(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('Webhook', request.params.id);
      return subscriptionView(row);
    },
  });

  app.patch('/webhooks/:id', {
    config: { auth: ADMIN, audit: 'webhook.update' },
    schema: { tags: TAGS, summary: 'Change a webhook: URL, events, format, description, enabled (enabling clears its failure count)', params: idParams, body: updateBody, response: withErrors({ 200: subscriptionSchema }, [404, 422]) },
    handler: async (request) => {
      request.auditInfo = { targetType: 'webhook', targetId: request.params.id, details: { ...request.body } };
      return subscriptionView(await app.webhooks.update(request.principal!.orgId, request.params.id, request.body));
    },
  });

  app.delete('/webhooks/:id', {
    config: { auth: ADMIN, audit: 'webhook.delete' },
    schema: { tags: TAGS, summary: 'Delete a webhook and its delivery log', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      request.auditInfo = { targetType: 'webhook', targetId: request.params.id };
      if (!(await deleteSubscription(app.db, request.principal!.orgId, request.params.id))) throw new NotFoundError('Webhook', request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/webhooks/:id/rotate-secret', {
    config: { auth: ADMIN, audit: 'webhook.rotate-secret' },
    schema: {
      tags: TAGS,
      summary: 'A new signing secret, shown this once; the old one also signs deliveries for WEBHOOK_SECRET_OVERLAP_HOURS (default 24), then stops',
      params: idParams,
      response: withErrors({ 200: subscriptionSchema.extend({ secret: z.string().describe('The new whsec_… secret: not shown again') }) }, [404]),
    },
    handler: async (request) => {
      request.auditInfo = { targetType: 'webhook', targetId: request.params.id };
      const { subscription, secret } = await app.webhooks.rotateSecret(request.principal!.orgId, request.params.id);
      request.auditInfo.details = { previousSecretUntil: subscriptionView(subscription).previousSecretUntil };
      return { ...subscriptionView(subscription), secret };
    },
  });

  app.post('/webhooks/:id/test', {
    config: { auth: ADMIN, audit: 'webhook.test' },
    schema: { tags: TAGS, summary: 'Send a signed webhook.test message now and answer with the outcome (also while disabled)', params: idParams, response: withErrors({ 200: deliverySchema.pick({ id: true, messageId: true, state: true, lastStatus: true, lastDurationMs: true, lastError: true, responseExcerpt: true }) }, [404]) },
    handler: async (request) => {
      request.auditInfo = { targetType: 'webhook', targetId: request.params.id };
      const outcome = await app.webhooks.testSend(request.principal!.orgId, request.params.id);
      return { id: outcome.deliveryId, messageId: outcome.messageId, state: outcome.state, lastStatus: outcome.status, lastDurationMs: outcome.durationMs, lastError: outcome.error, responseExcerpt: outcome.excerpt };
    },
  });

  app.get('/webhooks/:id/deliveries', {
    config: { auth: ADMIN },
    schema: { tags: TAGS, summary: 'The delivery log of a webhook, newest first', params: idParams, querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(), response: withErrors({ 200: z.object({ items: z.array(deliverySchema) }) }, [404]) },
    handler: async (request) => {
      const { orgId } = request.principal!;
      if (!(await findSubscription(app.db, orgId, request.params.id))) throw new NotFoundError('Webhook', request.params.id);
      return { items: (await listDeliveries(app.db, orgId, request.params.id, request.query.limit)).map(deliveryView) };
    },
  });

  app.get('/webhook-deliveries/:id', {
    config: { auth: ADMIN },
    schema: { tags: TAGS, summary: 'One delivery with every attempt (status, duration, error, answer excerpt)', params: idParams, response: withErrors({ 200: deliverySchema.extend({ attemptLog: z.array(attemptSchema) }) }, [404]) },
    handler: async (request) => {
      const { orgId } = request.principal!;
      const row = await findDelivery(app.db, orgId, request.params.id);
      if (!row) throw new NotFoundError('Webhook delivery', request.params.id);
      const attempts = await attemptsOf(app.db, orgId, row.id);
      return { ...deliveryView(row), attemptLog: attempts.map((a) => ({ attempt: a.attempt, status: a.status, durationMs: a.duration_ms, error: a.error, responseExcerpt: a.response_excerpt, at: iso(a.created_at) })) };
    },
  });

  app.post('/webhook-deliveries/:id/replay', {
    config: { auth: ADMIN, audit: 'webhook.replay' },
    schema: { tags: TAGS, summary: 'Send a delivery’s message again (same webhook-id) as a new delivery', params: idParams, response: withErrors({ 202: z.object({ id: z.string() }) }, [404]) },
    handler: async (request, reply) => {
      request.auditInfo = { targetType: 'webhook-delivery', targetId: request.params.id };
      const id = await app.webhooks.replay(request.principal!.orgId, request.params.id);
      return reply.code(202).send({ id });
    },
  });
}
