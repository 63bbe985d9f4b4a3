import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { problem, sendProblem } from '../../errors/problem.js';
import { idParams, withErrors } from '../../http/responses.js';
import { gitHttpBackend } from './git-http-backend.js';
import { pushSchema } from './push-schema.js';
import { pushState } from './git-push-service.js';
import { allowedSigners, exportApp, findRepository, repositoryInfo, repositoryRoot, type GitExportServices } from './git-export-service.js';

const ADMIN = { roles: ['admin' as const], principals: ['user' as const, 'api-key' as const] };
/** Upload-pack requests are small (wants and haves); a clone's pack goes the other way. */
const UPLOAD_PACK_BODY_LIMIT = 8 * 1024 * 1024;
const repoParams = z.object({ org: z.string().min(1).max(100), repo: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}\.git$/, { message: 'must be <app name>.git' }) }).strict();
const repositorySchema = z.object({ cloneUrl: z.string(), allowedSignersUrl: z.string(), tags: z.array(z.string()), push: pushSchema.nullable() }).meta({ id: 'GitRepository' });

/**
 * Git export: each app's published versions as signed commits and tags, served read-only over Git's
 * smart HTTP (`git clone <server>/git/<org>/<app>.git`, the API key or an access token as the password),
 * and the allowed-signers file that `git tag -v` checks the tags with.
 */
export default async function gitExportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const services = (): GitExportServices => ({ db: app.db, config: app.config, keys: app.orgKeys, logger: app.log as Logger });
  app.addContentTypeParser('application/x-git-upload-pack-request', { parseAs: 'buffer', bodyLimit: UPLOAD_PACK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.get('/api/v1/apps/:id/git', {
    schema: { tags: ['git'], summary: "The app's Git repository: clone URL, allowed-signers file, the exported version tags and the push to the organisation's remote", params: idParams, response: withErrors({ 200: repositorySchema }, [404]) },
    handler: async (request) => ({ ...(await repositoryInfo(services(), request.principal!.orgId, request.params.id)), push: await pushState(app.db, request.principal!.orgId, request.params.id) }),
  });

  app.post('/api/v1/apps/:id/git-export', {
    config: { auth: ADMIN, audit: 'app.git_export' },
    schema: { tags: ['git'], summary: 'Export the app to Git again: every published version without a tag becomes a signed commit and tag', params: idParams, response: withErrors({ 200: z.object({ added: z.array(z.string()), cloneUrl: z.string() }) }, [404]) },
    handler: async (request) => {
      request.auditInfo = { targetType: 'app', targetId: request.params.id };
      const { added } = await exportApp(services(), request.principal!.orgId, request.params.id);
      request.auditInfo.details = { added };
      return { added, cloneUrl: (await repositoryInfo(services(), request.principal!.orgId, request.params.id)).cloneUrl };
    },
  });

  app.get('/api/v1/git/allowed-signers', {
    schema: { tags: ['git'], summary: 'The OpenSSH allowed-signers file for `git tag -v` (git config gpg.ssh.allowedSignersFile): the organisation’s active release keys', response: withErrors({ 200: z.string() }) },
    handler: async (request, reply) => reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(await allowedSigners({ config: app.config, keys: app.orgKeys }, request.principal!.orgId)),
  });

  /** Git asks without credentials first and sends them only after a Basic challenge. */
  function challenge(request: FastifyRequest, reply: FastifyReply) {
    return sendProblem(reply, problem(401, 'UNAUTHORIZED', 'Sign in with any user name and an API key or access token as the password.', { requestId: request.id }), { 'www-authenticate': 'Basic realm="marketplace git", charset="UTF-8"' });
  }

  async function serve(request: FastifyRequest, reply: FastifyReply, service: 'info/refs' | 'git-upload-pack' | 'git-receive-pack') {
    const principal = request.principal;
    if (!principal) return challenge(request, reply);
    if (principal.kind === 'agent') return sendProblem(reply, problem(403, 'PRINCIPAL_NOT_ALLOWED', 'This endpoint is not available to agents.', { requestId: request.id }));
    const { org, repo } = request.params as z.infer<typeof repoParams>;
    const found = await findRepository(app.db, principal.orgId, org, repo.slice(0, -'.git'.length));
    if (!found) return sendProblem(reply, problem(404, 'NOT_FOUND', `There is no repository ${org}/${repo} in your organization.`, { requestId: request.id }));
    if (service === 'git-receive-pack') return refuseWrite(request, reply);
    const query = request.query as Record<string, string | undefined>;
    if (service === 'info/refs' && query.service !== 'git-upload-pack') return refuseWrite(request, reply);
    const answer = await gitHttpBackend({
      method: service === 'info/refs' ? 'GET' : 'POST',
      projectRoot: repositoryRoot(app.config, found.orgId),
      pathInfo: `/${found.appId}.git/${service}`,
      queryString: service === 'info/refs' ? 'service=git-upload-pack' : '',
      contentType: request.headers['content-type'],
      contentEncoding: typeof request.headers['content-encoding'] === 'string' ? request.headers['content-encoding'] : undefined,
      gitProtocol: typeof request.headers['git-protocol'] === 'string' ? request.headers['git-protocol'] : undefined,
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
    });
    reply.status(answer.status).headers(answer.headers);
    return reply.send(answer.body);
  }

  function refuseWrite(request: FastifyRequest, reply: FastifyReply) {
    return sendProblem(reply, problem(403, 'GIT_SERVICE_REFUSED', 'These repositories are read-only: clone and fetch only (git-upload-pack). Publish a new version to change one.', { requestId: request.id }));
  }

  const gitConfig = { auth: false as const, basicAuth: true, audit: false as const };
  app.get('/git/:org/:repo/info/refs', {
    config: gitConfig,
    schema: { tags: ['git'], summary: 'Git smart HTTP: the refs of an app’s repository (`?service=git-upload-pack` only; Basic auth, the API key or access token as password)', params: repoParams, querystring: z.object({ service: z.string().optional() }), security: [], response: withErrors({ 200: z.unknown() }, [404]) },
    handler: (request, reply) => serve(request, reply, 'info/refs'),
  });
  app.post('/git/:org/:repo/git-upload-pack', {
    config: gitConfig,
    schema: { tags: ['git'], summary: 'Git smart HTTP: upload-pack (clone and fetch) of an app’s repository', params: repoParams, security: [], response: withErrors({ 200: z.unknown() }, [404]) },
    handler: (request, reply) => serve(request, reply, 'git-upload-pack'),
  });
  app.post('/git/:org/:repo/git-receive-pack', {
    config: gitConfig,
    schema: { tags: ['git'], summary: 'Git smart HTTP: receive-pack (push) is refused — the repositories are read-only', params: repoParams, security: [], response: withErrors({ 403: z.unknown() }, [404]) },
    handler: (request, reply) => serve(request, reply, 'git-receive-pack'),
  });
}
