import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { idParams, withErrors } from '../../http/responses.js';
import { integrationsView, loadIntegrations, saveIntegrations } from './git-integrations.js';
import { listPushStates, pushApp, pushState } from './git-push-service.js';
import { pushSchema } from './push-schema.js';

const ADMIN = { roles: ['admin' as const], principals: ['user' as const, 'api-key' as const] };
const secret = (max: number) => z.string().min(1).max(max);
const remoteInput = z
  .object({
    urlTemplate: z.string().min(1).max(500).meta({ description: 'The remote per app, {app} standing for the app’s name: https://git.example.com/tools/{app}.git or ssh://git@git.example.com/tools/{app}.git' }),
    auth: z.enum(['https-token', 'ssh-key']),
    username: z.string().min(1).max(200).optional(),
    token: secret(4000).optional().meta({ description: 'HTTPS password or access token with write access; stored encrypted, never returned. Left out: the stored one is kept.' }),
    privateKey: secret(20_000).optional().meta({ description: 'SSH deploy key (OpenSSH or PEM, no passphrase); stored encrypted, never returned. Left out: the stored one is kept.' }),
    knownHosts: z.string().min(1).max(8000).optional().meta({ description: 'The SSH server’s known_hosts line(s); required for ssh-key — host keys are never accepted unseen.' }),
  })
  .strict();
const httpUrl = z.string().min(1).max(500);
const gitlabInput = z.object({ url: httpUrl, namespaceId: z.number().int().positive().optional(), token: secret(500).optional() }).strict();
const jiraInput = z
  .object({
    url: httpUrl,
    projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'must be a Jira project key such as OPS'),
    issueType: z.string().min(1).max(60).default('Task'),
    email: z.email().max(200).optional(),
    token: secret(500).optional(),
  })
  .strict();
const putBody = z.object({ remote: remoteInput.nullable().optional(), gitlab: gitlabInput.nullable().optional(), jira: jiraInput.nullable().optional() }).strict();
const integrationsSchema = z
  .object({
    remote: z.object({ urlTemplate: z.string(), auth: z.enum(['https-token', 'ssh-key']), username: z.string().nullable(), hasSecret: z.boolean(), knownHosts: z.string().nullable() }).nullable(),
    gitlab: z.object({ url: z.string(), namespaceId: z.number().nullable(), hasToken: z.boolean() }).nullable(),
    jira: z.object({ url: z.string(), projectKey: z.string(), issueType: z.string(), email: z.string().nullable(), hasToken: z.boolean(), since: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'GitIntegrations' });
const outcomeSchema = z.object({ state: z.enum(['skipped', 'pushed', 'failed']), reason: z.string().optional(), code: z.string().optional(), message: z.string().optional(), jiraIssues: z.array(z.string()).optional(), push: pushSchema.nullable() });

/**
 * Where exports go besides this server: the organisation's Git remote (HTTPS token or SSH deploy key),
 * an optional GitLab account that gets one project per app, and an optional Jira project that gets an
 * issue per published version. Admins only; every change is audited, secrets are never returned.
 */
export default async function gitIntegrationsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const services = () => ({ db: app.db, config: app.config, logger: app.log as Logger });

  app.get('/api/v1/git/integrations', {
    config: { auth: ADMIN },
    schema: { tags: ['git'], summary: 'The Git export remote, GitLab and Jira settings (secrets never returned, only whether one is stored)', response: withErrors({ 200: integrationsSchema }) },
    handler: async (request) => integrationsView(await loadIntegrations(app.db, request.principal!.orgId)),
  });

  app.put('/api/v1/git/integrations', {
    config: { auth: ADMIN, audit: 'git.integrations.update' },
    schema: {
      tags: ['git'],
      summary: 'Set the Git export remote, GitLab and Jira: a section given replaces the stored one (a secret left out keeps the stored secret), null removes it',
      body: putBody,
      response: withErrors({ 200: integrationsSchema }, [422]),
    },
    handler: async (request) => {
      const { orgId, userId } = request.principal!;
      const changed = await saveIntegrations(app, orgId, userId ?? null, request.body);
      request.auditInfo = { targetType: 'organization', targetId: orgId, details: { changed } };
      return integrationsView(await loadIntegrations(app.db, orgId));
    },
  });

  app.get('/api/v1/git/pushes', {
    config: { auth: ADMIN },
    schema: { tags: ['git'], summary: 'The push outcome of every app of the organisation: remote, last version pushed, last error', response: withErrors({ 200: z.object({ items: z.array(pushSchema.extend({ appId: z.string(), appName: z.string(), appTitle: z.string() })) }) }) },
    handler: async (request) => ({ items: await listPushStates(app.db, request.principal!.orgId) }),
  });

  app.post('/api/v1/apps/:id/git-push', {
    config: { auth: ADMIN, audit: 'app.git_push' },
    schema: { tags: ['git'], summary: 'Push the app’s repository to the organisation’s remote now (and create its GitLab project and Jira issues when configured); never forced', params: idParams, response: withErrors({ 200: outcomeSchema }, [404, 502]) },
    handler: async (request) => {
      const { orgId } = request.principal!;
      request.auditInfo = { targetType: 'app', targetId: request.params.id };
      const outcome = await pushApp(services(), orgId, request.params.id);
      request.auditInfo.details = { state: outcome.state, ...(outcome.state === 'failed' ? { code: outcome.code } : {}) };
      const push = await pushState(app.db, orgId, request.params.id);
      if (outcome.state === 'skipped') return { state: outcome.state, reason: outcome.reason, push };
      if (outcome.state === 'failed') return { state: outcome.state, code: outcome.code, message: outcome.message, jiraIssues: outcome.jiraIssues, push };
      return { state: outcome.state, jiraIssues: outcome.jiraIssues, push };
    },
  });
}
