import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AgentCommandType } from './deployments-tables.js';
import { idParams, withErrors } from '../../http/responses.js';
import { commandSchema } from './agent-commands.js';
import { requestDeploymentCommand, requestDeploymentLogs } from './deployment-actions.js';
import { getOrgSettings } from '../settings/org-settings.js';

const USERS = { principals: ['user' as const, 'api-key' as const] };
const accepted = z.object({ command: commandSchema });
const CONFLICTS =
  '409 codes: DEPLOYMENT_REMOVED (already removed), DEPLOYMENT_NOT_CURRENT (not the version the agent runs now), COMMAND_PENDING (another command for this app on this agent is still open; `command` names it)';

/**
 * Rollback and removal from the marketplace: the server queues a command, the agent picks it up with
 * its next command poll or heartbeat, runs it as `marketplace-agent rollback|remove` would, reports
 * the deployment's new state and closes the command.
 */
export default async function deploymentCommandsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;

  async function queue(request: FastifyRequest, id: string, type: Exclude<AgentCommandType, 'logs'>) {
    const { command, audit } = await requestDeploymentCommand(db, request.principal!, id, type, (found) => {
      request.auditInfo = found;
    });
    request.auditInfo = audit;
    return { command };
  }

  app.post('/deployments/:id/rollback', {
    config: { auth: USERS, audit: 'deployment.rollback' },
    schema: {
      tags: ['deployments'],
      summary: 'Ask the agent to go back to the version it ran before this one',
      description: `Queues a rollback command for the deployment's agent; the deployment shows it as \`pendingCommand\` until the agent reports back. Asking again while it is open answers the same command. Allowed for the agent's owner, publishers and admins. ${CONFLICTS}, NO_EARLIER_VERSION (no earlier version ran on that agent since the app was installed there).`,
      params: idParams,
      response: withErrors({ 202: accepted }, [404, 409]),
    },
    handler: async (request, reply) => reply.status(202).send(await queue(request, request.params.id, 'rollback')),
  });

  app.delete('/deployments/:id', {
    config: { auth: USERS, audit: 'deployment.remove' },
    schema: {
      tags: ['deployments'],
      summary: 'Ask the agent to stop this app and delete its versions (its data stays)',
      description: `Queues a remove command for the deployment's agent; the deployment becomes \`removed\` when the agent reports back. Asking again while it is open answers the same command. Allowed for the agent's owner, publishers and admins. ${CONFLICTS}.`,
      params: idParams,
      response: withErrors({ 202: accepted }, [404, 409]),
    },
    handler: async (request, reply) => reply.status(202).send(await queue(request, request.params.id, 'remove')),
  });

  app.post('/deployments/:id/logs', {
    config: { auth: USERS, audit: 'deployment.logs' },
    schema: {
      tags: ['deployments'],
      summary: 'Ask the agent for the latest log lines of this deployment’s app',
      description:
        'Queues a logs command for the deployment’s agent. The agent answers with a bounded tail of that app’s log only (at most 8 KB, 200 lines), secrets it knows of redacted; it becomes the deployment’s `logTail` (`logTailAt`), and a `deployment` event tells the page. Asking again while a request is open answers the same command. `agentOnline` is false when the agent has not been in touch within the organisation’s `agents.staleAfterSeconds`: the lines come when it is back. 409 DEPLOYMENT_REMOVED: the app was removed from that agent.',
      params: idParams,
      response: withErrors({ 202: z.object({ command: commandSchema, agentOnline: z.boolean(), agentLastSeenAt: z.string().nullable() }) }, [404, 409]),
    },
    handler: async (request, reply) => {
      const { command, audit, agentLastSeenAt } = await requestDeploymentLogs(db, request.principal!, request.params.id, (found) => {
        request.auditInfo = found;
      });
      request.auditInfo = audit;
      const { agents } = await getOrgSettings(db, request.principal!.orgId);
      const agentOnline = agentLastSeenAt !== null && Date.now() - agentLastSeenAt.getTime() <= agents.staleAfterSeconds * 1000;
      return reply.status(202).send({ command, agentOnline, agentLastSeenAt: agentLastSeenAt?.toISOString() ?? null });
    },
  });
}
