import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError, ForbiddenError } from '../../errors/app-error.js';
import { idParams, withErrors } from '../../http/responses.js';
import { agentCommandSchema, closeCommand, commandTypesSchema, commandSchema, COMMAND_RESEND_AFTER_MS, takeCommands } from '../deployments/agent-commands.js';
import { deploymentEvent, recordDeploymentAndPublish } from '../deployments/deployment-events.js';
import { reconcileInventory } from '../deployments/reconcile-inventory.js';
import { reportKeySchema } from './report-key.js';
import { deploymentStateSchema, healthSchema, reasonSchema } from '../deployments/deployments-repository.js';
import { findAgentByClient, markAgentSeen, recordHeartbeat, setReportKey } from './agents-repository.js';

const AGENTS = { principals: ['agent' as const] };
const slug = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { message: 'must be an app name such as "room-booking"' }).max(48);
const semver = z.string().max(64).regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/, { message: 'must be a semantic version such as 1.2.0' });

/** What enrolled agents send: heartbeats, deployment state changes, and the answers to the server's commands. */
export default async function agentReportsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;

  async function agentOf(request: FastifyRequest) {
    const principal = request.principal!;
    const agent = await findAgentByClient(db, principal.id, principal.orgId);
    if (!agent) throw new ForbiddenError('These client credentials do not belong to an enrolled agent; enrol the agent with a code (marketplace-agent enroll).', 'AGENT_NOT_ENROLLED');
    return agent;
  }

  app.put('/agents/report-key', {
    config: { auth: AGENTS, audit: 'agent.report-key' },
    schema: {
      tags: ['agents'],
      summary: 'Enrol this agent to report by mail: the Ed25519 public key its status mails are signed with (replaces an earlier one)',
      body: z.object({ reportKey: reportKeySchema }).strict(),
      response: withErrors({ 200: z.object({ agentId: z.string(), reportsByMail: z.literal(true) }) }),
    },
    handler: async (request) => {
      const agent = await agentOf(request);
      await setReportKey(db, agent.id, request.body.reportKey);
      request.auditInfo = { targetType: 'agent', targetId: agent.id };
      return { agentId: agent.id, reportsByMail: true as const };
    },
  });

  app.post('/agents/heartbeat', {
    config: { auth: AGENTS, audit: 'agent.heartbeat' },
    schema: {
      tags: ['agents'],
      summary: 'Agent heartbeat: version, OS, runtimes and deployed apps',
      body: z
        .object({
          version: z.string().min(1).max(64),
          os: z.string().min(1).max(64),
          runtimes: z.array(z.string().min(1).max(32)).max(8),
          apps: z
            .array(z.object({ name: slug, version: semver, state: z.enum(['healthy', 'unhealthy', 'stopped', 'replaced']) }).strict())
            .max(500)
            .describe('Every version on the workstation with its state; the server reconciles its deployments from this list'),
          commandTypes: commandTypesSchema.optional().describe('The command types this agent runs; without it only rollback and remove are sent (agents from before logs)'),
        })
        .strict(),
      response: withErrors({ 200: z.object({ agentId: z.string(), serverTime: z.string(), keyListVersion: z.number(), commands: z.array(agentCommandSchema).describe('Commands to run now (they are marked sent)') }) }),
    },
    handler: async (request) => {
      const agent = await agentOf(request);
      const { version, os, runtimes, apps } = request.body;
      await recordHeartbeat(db, agent.id, { version, os, runtimes, apps });
      const reconciled = await reconcileInventory(db, app.events, agent, apps);
      request.auditInfo = { targetType: 'agent', targetId: agent.id, ...(reconciled ? { details: { reconciled } } : {}) };
      const keys = await app.orgKeys.publicInfo(agent.org_id);
      return { agentId: agent.id, serverTime: new Date().toISOString(), keyListVersion: keys.keyListVersion, commands: await takeCommands(app.db, agent.id, request.body.commandTypes) };
    },
  });

  app.post('/agents/reports', {
    config: { auth: AGENTS, audit: 'agent.report' },
    schema: {
      tags: ['agents'],
      summary: 'A deployment state change seen by the agent',
      body: z
        .object({
          deploymentId: z.uuid({ message: 'must be a deployment id (UUID)' }).optional(),
          app: slug,
          version: semver,
          state: deploymentStateSchema,
          reason: reasonSchema.optional(),
          health: healthSchema.optional(),
          logTail: z.string().max(65_536).optional(),
          at: z.iso.datetime({ offset: true }).optional(),
        })
        .strict(),
      response: withErrors({ 201: z.object({ deploymentId: z.string() }) }, [404]),
    },
    handler: async (request, reply) => {
      const agent = await agentOf(request);
      const body = request.body;
      await markAgentSeen(db, agent.id);
      const saved = await recordDeploymentAndPublish(db, app.events, { orgId: agent.org_id, agentId: agent.id, ...body, at: body.at ? new Date(body.at) : undefined, source: 'http' });
      request.auditInfo = { targetType: 'deployment', targetId: saved.id, details: { app: body.app, version: body.version, state: body.state, reason: body.reason?.code } };
      return reply.status(201).send({ deploymentId: saved.id });
    },
  });

  app.get('/agents/commands', {
    config: { auth: AGENTS },
    schema: {
      tags: ['agents'],
      summary: 'Commands for this agent to run now (rollback, remove, logs)',
      description: `The light poll an agent makes between heartbeats (every 10 s by default). Queued commands, and sent ones not closed within ${COMMAND_RESEND_AFTER_MS / 60_000} minutes, are returned and marked sent; running one must be idempotent.`,
      querystring: z.object({ types: z.string().max(200).optional().describe('Comma-separated command types this agent runs (e.g. rollback,remove,logs); without it only rollback and remove are sent') }).strict(),
      response: withErrors({ 200: z.object({ commands: z.array(agentCommandSchema) }) }),
    },
    handler: async (request) => {
      const agent = await agentOf(request);
      const parsed = request.query.types === undefined ? undefined : commandTypesSchema.safeParse(request.query.types.split(',').filter(Boolean));
      if (parsed && !parsed.success) throw new BadRequestError(`types ${parsed.error.issues[0]?.message ?? 'is invalid'}: got '${request.query.types!.slice(0, 100)}'.`, 'VALIDATION_FAILED');
      const types = parsed?.data;
      return { commands: await takeCommands(app.db, agent.id, types) };
    },
  });

  app.post('/agents/commands/:id', {
    config: { auth: AGENTS, audit: 'agent.command' },
    schema: {
      tags: ['agents'],
      summary: 'Close a command: done, or failed with the reason',
      description: 'Closing a closed command again changes nothing and answers its state. A done `logs` command carries `logTail`, the latest lines of that app’s log (bounded and redacted by the agent); the server keeps the last 16 KB of it.',
      params: idParams,
      body: z.object({ state: z.enum(['done', 'failed']), reason: reasonSchema.optional(), logTail: z.string().max(65_536).optional() }).strict(),
      response: withErrors({ 200: z.object({ command: commandSchema }) }, [404]),
    },
    handler: async (request) => {
      const agent = await agentOf(request);
      const { tailSaved, ...command } = await closeCommand(app.db, agent.id, request.params.id, request.body);
      // the page that asked for the lines shows them as soon as they are here
      // (a live refresh only: no integration hears of log lines, so no outbox row)
      const event = tailSaved ? await deploymentEvent(app.db, command.deploymentId) : null;
      if (event) app.events.publish(event);
      request.auditInfo = { targetType: 'agent_command', targetId: command.id, details: { type: command.type, state: command.state, deploymentId: command.deploymentId, reason: command.reason?.code } };
      return { command };
    },
  });
}
