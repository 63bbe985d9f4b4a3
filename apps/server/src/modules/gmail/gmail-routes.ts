import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, iso, isoOrNull, withErrors } from '../../http/responses.js';
import { appendAudit } from '../audit/audit-repository.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { GmailError } from './gmail-error.js';
import { parsePush, PUSH_MAX_BYTES } from './gmail-push.js';
import { connectionByEmail, deleteConnection, findConnection, listConnections, type GmailConnectionRow } from './gmail-repository.js';
import { GMAIL_CALLBACK_PATH, type GmailAdmin } from './gmail-service.js';
import { syncAndRecord } from './gmail-sync.js';

const ADMIN = { roles: ['admin' as const], principals: ['user' as const] };
/** A whole office's admins finish consents rarely; a callback flood costs a database lookup each. */
const CALLBACK_RATE = { max: 30, timeWindow: 60_000 };
/** Gmail pushes once per mailbox change (a busy mailbox: a few a second); each costs a token check. */
const PUSH_RATE = { max: 600, timeWindow: 60_000 };
const ADMIN_PAGE = '/admin/gmail';

const connectionSchema = z
  .object({
    id: z.string(),
    email: z.string().describe('The connected mailbox'),
    state: z.enum(['active', 'failing', 'revoked']).describe('revoked: Google refused the grant; connect again'),
    lastError: z.string().nullable().describe('Why the last pass failed (a stable code first)'),
    lastSyncAt: z.string().nullable(),
    imported: z.number().describe('Messages imported since it was connected'),
    sendsOutgoingMail: z.boolean().describe('MAIL_TRANSPORT=gmail and this is the address of SMTP_FROM'),
    createdAt: z.string(),
  })
  .meta({ id: 'GmailConnection' });

const overviewSchema = z
  .object({
    configured: z.boolean().describe('GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET are set'),
    redirectUri: z.string().describe('Register this redirect URI for the OAuth client at Google'),
    transport: z.enum(['smtp', 'gmail']).describe('MAIL_TRANSPORT'),
    serviceAddress: z.string().describe('The address mail to the marketplace goes to (SMTP_FROM)'),
    items: z.array(connectionSchema),
  })
  .meta({ id: 'GmailOverview' });

const notFound = (id: string) => new GmailError('GMAIL_NOT_FOUND', `No Gmail connection ${id} in your organisation; see GET /api/v1/gmail.`);

/**
 * Admin → Gmail: connect the organisation's Google Workspace mailbox as a service mailbox (consent once;
 * the refresh token is kept sealed), read it now, and disconnect it (the grant is revoked at Google).
 */
export default async function gmailRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const serviceAddress = serverAddress(app.config.smtp.from);
  const view = (row: GmailConnectionRow) => ({
    id: row.id,
    email: row.email,
    state: row.state,
    lastError: row.last_error,
    lastSyncAt: isoOrNull(row.last_sync_at),
    imported: row.imported,
    sendsOutgoingMail: app.config.mailTransport === 'gmail' && row.email === serviceAddress,
    createdAt: iso(row.created_at),
  });
  const requireGmail = () => {
    if (!app.gmail) throw new GmailError('GMAIL_NOT_CONFIGURED', 'The Gmail mailbox is not offered on this server: an operator sets GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET (see .env.example).');
    return app.gmail;
  };
  const adminOf = (request: FastifyRequest): GmailAdmin => ({ orgId: request.principal!.orgId, userId: request.principal!.userId!, session: request.principal!.sessionId ?? `${request.principal!.via}:${request.principal!.id}` });

  app.get('/gmail', {
    config: { auth: ADMIN },
    schema: { tags: ['gmail'], summary: 'Gmail mailboxes connected by your organisation, and whether the server offers them', response: withErrors({ 200: overviewSchema }) },
    handler: async (request) => ({
      configured: Boolean(app.gmail),
      redirectUri: `${app.config.publicUrl}${GMAIL_CALLBACK_PATH}`,
      transport: app.config.mailTransport,
      serviceAddress,
      items: (await listConnections(app.db, request.principal!.orgId)).map(view),
    }),
  });

  app.post('/gmail/connect', {
    config: { auth: ADMIN, audit: 'gmail.connect.start' },
    schema: { tags: ['gmail'], summary: "Start connecting a Gmail mailbox: answers Google's consent URL to open in this browser", response: withErrors({ 200: z.object({ url: z.string().describe("Google's consent page (valid 10 minutes, once)") }) }, [404]) },
    handler: async (request) => ({ url: (await requireGmail().begin(adminOf(request))).href }),
  });

  app.get('/gmail/oauth/callback', {
    config: { auth: ADMIN, rateLimit: CALLBACK_RATE },
    schema: {
      tags: ['gmail'],
      summary: "Google's consent answer (the browser is redirected here); redirects to Admin → Gmail",
      querystring: z.object({ code: z.string().max(2_000).optional(), state: z.string().max(200).optional(), error: z.string().max(200).optional(), scope: z.string().max(2_000).optional(), iss: z.string().max(200).optional() }).passthrough(),
      response: withErrors({ 302: z.null().describe(`A redirect to ${ADMIN_PAGE}?connected=<id> or ?gmail_error=<CODE>`) }, [404]),
    },
    handler: async (request, reply) => {
      const gmail = requireGmail();
      const admin = adminOf(request);
      const audit = (result: 'success' | 'failure', details: Record<string, unknown>, targetId: string | null = null) =>
        appendAudit(app.db, { orgId: admin.orgId, actorType: 'user', actorId: admin.userId, action: 'gmail.connect', targetType: 'gmail_connection', targetId, result, statusCode: 302, ip: request.ip, requestId: request.id, details });
      try {
        const connection = await gmail.finish(admin, new URL(request.url, app.config.publicUrl));
        await audit('success', { email: connection.email }, connection.id);
        return reply.redirect(`${ADMIN_PAGE}?connected=${connection.id}`, 302);
      } catch (error) {
        if (!(error instanceof GmailError)) throw error;
        request.log.warn({ code: error.gmailCode, upstreamStatus: error.upstreamStatus }, 'Gmail consent did not finish');
        await audit('failure', { code: error.gmailCode });
        return reply.redirect(`${ADMIN_PAGE}?gmail_error=${error.gmailCode}`, 302);
      }
    },
  });

  app.post('/gmail/push', {
    config: { auth: false, rateLimit: PUSH_RATE },
    bodyLimit: PUSH_MAX_BYTES,
    schema: {
      tags: ['gmail'],
      summary: "Gmail's push (Cloud Pub/Sub push subscription, authenticated): reads the notified mailbox now",
      description: 'Needs GMAIL_PUBSUB_TOPIC. The request carries a Google-signed OIDC token (Authorization: Bearer) for the audience GMAIL_PUSH_AUDIENCE; anything else is refused with 401. Answers 204 once the mailbox was read (a failed read is recorded on the connection; polling every minute tries again).',
      body: z.unknown(),
      response: withErrors({ 204: z.null() }, [400, 401, 404, 502]),
    },
    handler: async (request, reply) => {
      const gmail = requireGmail();
      if (!gmail.verifyPush) throw new GmailError('GMAIL_NOT_CONFIGURED', 'Gmail push is not configured on this server: an operator sets GMAIL_PUBSUB_TOPIC (see .env.example).');
      await gmail.verifyPush(request.headers.authorization);
      const notice = parsePush(request.body);
      const connection = await connectionByEmail(app.db, notice.emailAddress);
      // A mailbox no longer connected (or revoked): acknowledged, or Pub/Sub would deliver it again and again.
      if (!connection || connection.state === 'revoked') {
        request.log.info({ historyId: notice.historyId }, 'Gmail push for a mailbox that is not read here; acknowledged');
        return reply.status(204).send(null);
      }
      const result = await syncAndRecord(app.db, gmail.apiFor(connection), connection, request.log).catch(() => undefined);
      if (result?.imported) app.mailQueue.kick();
      return reply.status(204).send(null);
    },
  });

  app.post('/gmail/connections/:id/sync', {
    config: { auth: ADMIN, audit: 'gmail.sync' },
    schema: {
      tags: ['gmail'],
      summary: 'Read the mailbox now (it is read every minute anyway)',
      params: idParams,
      response: withErrors({ 200: z.object({ imported: z.number(), duplicates: z.number(), resynced: z.boolean().describe('The stored history was too old; the inbox was listed again') }) }, [404, 409, 502]),
    },
    handler: async (request) => {
      const gmail = requireGmail();
      const connection = await findConnection(app.db, request.principal!.orgId, request.params.id);
      if (!connection) throw notFound(request.params.id);
      request.auditInfo = { targetType: 'gmail_connection', targetId: connection.id };
      const result = await syncAndRecord(app.db, gmail.apiFor(connection), connection, request.log);
      if (result.imported) app.mailQueue.kick();
      return result;
    },
  });

  app.delete('/gmail/connections/:id', {
    config: { auth: ADMIN, audit: 'gmail.disconnect' },
    schema: { tags: ['gmail'], summary: 'Disconnect the mailbox: the grant is revoked at Google and the sealed token deleted', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      const connection = await findConnection(app.db, request.principal!.orgId, request.params.id);
      if (!connection) throw notFound(request.params.id);
      request.auditInfo = { targetType: 'gmail_connection', targetId: connection.id, details: { email: connection.email } };
      if (app.gmail) await app.gmail.disconnect(request.principal!.orgId, connection);
      else await deleteConnection(app.db, request.principal!.orgId, connection.id); // the settings are gone: nothing to revoke with
      return reply.status(204).send(null);
    },
  });
}
