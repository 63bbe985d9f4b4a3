import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noticeSchema } from '../../http/notice.js';
import { CONVERSATION_CHANNELS, CONVERSATION_STATES } from './conversations-tables.js';
import { AppError } from '../../errors/app-error.js';
import { idParams, iso, pagination, withErrors } from '../../http/responses.js';
import { toProblem } from '../../errors/problem.js';
import { openEventStream } from '../../http/event-stream.js';
import { auditEventOf } from '../audit/audit-trail-plugin.js';
import { appendAudit } from '../audit/audit-repository.js';
import { buildConversation, converse, scheduleText, type TurnOptions, type TurnResult } from './conversation-engine.js';
import { getConversation, listConversations, listMessages } from './conversation-repository.js';
import { followRequest } from './follow-request.js';
import { textBody } from './conversation-schemas.js';

const EMPLOYEES = { roles: ['publisher' as const, 'member' as const] };
const action = z.object({ id: z.string(), label: z.string(), message: z.string().optional() });
export const turnSchema = z
  .object({
    id: z.string(),
    reply: z.string(),
    spec: z.record(z.string(), z.unknown()),
    missing: z.array(z.string()),
    questions: z.array(z.string()),
    actions: z.array(action),
    suggestions: z.array(z.object({ kind: z.string(), reason: z.string(), complexity: z.string() })),
    similar: z.array(z.object({ id: z.string(), name: z.string(), title: z.string(), kind: z.string(), latestVersion: z.string().nullable(), score: z.number(), shared: z.array(z.string()).describe('What the app shares with the draft, in English'), reasons: z.array(noticeSchema).describe('The same as notices, one per entry of shared') })),
    state: z.enum(CONVERSATION_STATES),
    language: z.string(),
    requestId: z.string().nullable(),
    intent: z.string().nullable().describe('A command (build, deploy, …), `marketplace-question` (answered, draft unchanged), `not-understood` (said so, draft unchanged), or null for a description of the app'),
    notice: z.string().nullable(),
    scheduleText: z.string().nullable().describe('The draft’s schedule in words, in the conversation’s language (the cron expression is spec.schedule.cron)'),
    changes: z.array(z.object({ type: z.string() }).passthrough()).describe('What this turn changed in the draft (the reply says it in words): kind, title, entity-renamed, field-added, field-removed, field-renamed, field-changed, …'),
  })
  .meta({ id: 'ConversationTurn' });
const summary = z.object({ id: z.string(), title: z.string(), channel: z.string(), state: z.enum(CONVERSATION_STATES), missing: z.array(z.string()), requestId: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() });
const messageSchema = z.object({ role: z.enum(['user', 'assistant']), text: z.string(), language: z.string(), spec: z.record(z.string(), z.unknown()).nullable(), actions: z.array(action), createdAt: z.string() });

function userOf(request: FastifyRequest): { orgId: string; userId: string } {
  const principal = request.principal!;
  if (!principal.userId) throw new AppError('USER_REQUIRED', 403, 'Conversations belong to a user; use a user session or an API key created by a user.');
  return { orgId: principal.orgId, userId: principal.userId };
}

const wantsStream = (request: FastifyRequest) => /\btext\/event-stream\b/.test(request.headers.accept ?? '');

/**
 * The streaming variant (`Accept: text/event-stream`): `delta` events `{"text"}` with the reply as it
 * is written, then `turn` with exactly the JSON body the route answers otherwise, or `error` with the
 * problem+json body. The status is 200 once the stream is open; what fails before that (validation,
 * an unknown conversation) keeps its own status and problem response.
 */
async function streamTurn(request: FastifyRequest, reply: FastifyReply, run: (options: TurnOptions) => Promise<TurnResult>): Promise<void> {
  const stream = openEventStream(request, reply);
  let outcome = 200;
  try {
    const result = await run({ onDelta: (text) => stream.send('delta', { text }), signal: stream.signal });
    stream.send('turn', turnSchema.parse(result));
  } catch (error) {
    const { problem } = toProblem(error, request);
    outcome = problem.status;
    if (outcome >= 500) request.log.error({ err: error }, 'conversation turn failed');
    stream.send('error', problem);
  }
  // A hijacked reply skips onSend, where the audit trail writes: write the entry here.
  if (request.routeOptions.config?.audit) await appendAudit(request.server.db, auditEventOf(request, outcome)).catch((error: unknown) => request.log.error({ err: error }, 'could not write the audit entry'));
  stream.end();
}

const STREAMING = 'With `Accept: text/event-stream` the answer is a server-sent event stream (status 200): `event: delta` with `data: {"text": "<next piece of the reply>"}` as the reply is written (the model\'s tokens as they arrive when an LLM provider answers, else word by word; the pieces concatenate to `reply`), then `event: turn` whose data is exactly the JSON body described here, or `event: error` whose data is the problem+json body (`status` says what it would have been). Errors found before the stream opens (validation, unknown conversation) are ordinary problem responses.';

/** Conversations over the web and the API (mail arrives through mail-ingest). */
export default async function conversationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const services = () => app.conversationServices;

  app.post('/conversations', {
    config: { auth: EMPLOYEES, audit: 'conversation.create' },
    schema: {
      tags: ['conversations'],
      summary: 'Start a conversation (optionally with the first message); `Accept: text/event-stream` streams the reply',
      description: STREAMING,
      body: z.object({ text: textBody.optional(), channel: z.enum(CONVERSATION_CHANNELS).exclude(['email']).optional() }).strict(),
      response: withErrors({ 201: turnSchema }),
    },
    handler: async (request, reply) => {
      const who = userOf(request);
      const channel = request.body.channel ?? (request.principal!.kind === 'api-key' ? 'api' : 'web');
      const run = async (options: TurnOptions) => {
        const { created: _created, ...result } = await converse(services(), { ...who, channel, ...(request.body.text ? { text: request.body.text } : {}) }, { ...options, mcpTools: true });
        request.auditInfo = { targetType: 'conversation', targetId: result.id };
        return result;
      };
      if (wantsStream(request)) return streamTurn(request, reply, run);
      return reply.status(201).send(await run({}));
    },
  });

  app.post('/conversations/:id/messages', {
    config: { auth: EMPLOYEES },
    schema: { tags: ['conversations'], summary: 'Send a message; the reply, the updated spec draft, questions and quick actions', description: STREAMING, params: idParams, body: z.object({ text: textBody }).strict(), response: withErrors({ 200: turnSchema }, [404]) },
    handler: async (request, reply) => {
      const who = userOf(request);
      const run = async (options: TurnOptions) => {
        const { created: _created, ...result } = await converse(services(), { ...who, conversationId: request.params.id, text: request.body.text }, { ...options, mcpTools: true });
        return result;
      };
      if (wantsStream(request)) {
        // an unknown conversation is a 404 before the stream opens
        await getConversation(app.db, who.orgId, request.params.id, who.userId);
        return streamTurn(request, reply, run);
      }
      return run({});
    },
  });

  app.post('/conversations/:id/build', {
    config: { auth: EMPLOYEES, audit: 'conversation.build' },
    schema: { tags: ['conversations'], summary: 'Build this app: submit the finished spec to the pipeline', params: idParams, response: withErrors({ 202: turnSchema }, [404, 409, 503]) },
    handler: async (request, reply) => {
      const who = userOf(request);
      const conversation = await getConversation(app.db, who.orgId, request.params.id, who.userId);
      const result = await buildConversation(services(), conversation);
      request.auditInfo = { targetType: 'conversation', targetId: conversation.id, details: { requestId: result.requestId } };
      return reply.status(202).send(result);
    },
  });

  app.get('/conversations', {
    config: { auth: EMPLOYEES },
    schema: { tags: ['conversations'], summary: 'My conversations, most recent first', querystring: z.object({ ...pagination }).strict(), response: withErrors({ 200: z.object({ items: z.array(summary), total: z.number() }) }) },
    handler: async (request) => {
      const who = userOf(request);
      const { rows, total } = await listConversations(app.db, who, request.query);
      const items = await Promise.all(rows.map((row) => followRequest(services(), row)));
      return { items: items.map((c) => ({ id: c.id, title: c.title, channel: c.channel, state: c.state, missing: c.missing, requestId: c.request_id, createdAt: iso(c.created_at), updatedAt: iso(c.updated_at) })), total };
    },
  });

  app.get('/conversations/:id', {
    config: { auth: EMPLOYEES },
    schema: { tags: ['conversations'], summary: 'A conversation with its messages and current spec draft', params: idParams, response: withErrors({ 200: summary.extend({ spec: z.record(z.string(), z.unknown()), language: z.string(), scheduleText: z.string().nullable().describe('The draft’s schedule in words, in the conversation’s language'), messages: z.array(messageSchema) }) }, [404]) },
    handler: async (request) => {
      const who = userOf(request);
      const c = await followRequest(services(), await getConversation(app.db, who.orgId, request.params.id, who.userId));
      const messages = await listMessages(app.db, c.id);
      return {
        id: c.id, title: c.title, channel: c.channel, state: c.state, missing: c.missing, requestId: c.request_id, createdAt: iso(c.created_at), updatedAt: iso(c.updated_at),
        spec: c.spec as Record<string, unknown>, language: c.language, scheduleText: scheduleText(c.spec as Record<string, unknown>, c.language === 'pl' ? 'pl' : 'en'),
        messages: messages.map((m) => ({ role: m.role, text: m.text, language: m.language, spec: (m.spec as Record<string, unknown> | null) ?? null, actions: m.actions as z.infer<typeof action>[], createdAt: iso(m.created_at) })),
      };
    },
  });
}
