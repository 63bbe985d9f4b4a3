import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, BadRequestError, ForbiddenError, NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, isoOrNull, withErrors } from '../../http/responses.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { createAgentClient } from '../credentials/agent-clients.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { resolve } from 'node:path';
import { mailboxDirectory } from '@marketplace/mail/hub';
import { claimEnrollment, findActiveUser, findAgentByMailbox, findEnrollmentByCodeHash, insertAgent, insertEnrollment, revokeAgent, visibleAgents } from './agents-repository.js';
import { reportKeySchema } from './report-key.js';
import { hashEnrollmentCode, newEnrollmentCode } from './enrollment-code.js';

const ENROLLMENT_TTL_MS = 15 * 60 * 1000;
export const EMBEDDED_AGENT_DOMAIN = 'agents.marketplace.local';
const USERS = { principals: ['user' as const] };
const mailboxSchema = z.string().trim().toLowerCase().max(254).regex(/^[a-z0-9_+-]+(\.[a-z0-9_+-]+)*@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, { message: 'must be a plain e-mail address such as me@example.com' });
const text = (max: number) => z.string().trim().min(1).max(max);

const agentSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    ownerName: z.string().nullable().describe('The name of the person whose workstation it is'),
    ownerEmail: z.string().nullable(),
    name: z.string(),
    hostname: z.string(),
    os: z.string(),
    mailbox: z.string(),
    version: z.string().nullable(),
    runtimes: z.array(z.string()),
    apps: z.array(z.object({ name: z.string(), version: z.string(), state: z.string() })),
    lastSeenAt: z.string().nullable(),
    stale: z.boolean(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'Agent' });

function toAgent(row: any, staleAfterSeconds: number, now = Date.now()) {
  const seen = row.last_seen_at ? new Date(row.last_seen_at).getTime() : new Date(row.created_at).getTime();
  return {
    id: row.id,
    userId: row.user_id,
    ownerName: row.owner_name ?? null,
    ownerEmail: row.owner_email ?? null,
    name: row.name,
    hostname: row.hostname,
    os: row.os,
    mailbox: row.mailbox,
    version: row.version ?? null,
    runtimes: row.runtimes ?? [],
    apps: row.apps ?? [],
    lastSeenAt: isoOrNull(row.last_seen_at),
    stale: !row.revoked_at && now - seen > staleAfterSeconds * 1000,
    createdAt: iso(row.created_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

/** Enrolment and the people's view of their agents. */
export default async function agentsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const db = app.db;
  const visible = (principal: Principal) => visibleAgents(db, principal, hasRole(principal, 'admin'));

  app.post('/agents/enrollments', {
    config: { auth: USERS, audit: 'agent.enrollment.create' },
    schema: {
      tags: ['agents'],
      summary: 'A one-time code to enrol a deploy agent (valid 15 minutes)',
      body: z.object({ userId: z.uuid({ message: 'must be a user id (UUID)' }).optional() }).strict().nullish(),
      response: withErrors({ 201: z.object({ code: z.string(), expiresAt: z.string() }) }, [404]),
    },
    handler: async (request, reply) => {
      const principal = request.principal!;
      const userId = request.body?.userId ?? principal.userId!;
      if (userId !== principal.userId) {
        if (!hasRole(principal, 'admin')) throw new ForbiddenError('Only an admin may create an enrolment code for another user; leave out userId to enrol your own workstation.', 'ROLE_REQUIRED');
        const user = await findActiveUser(db, principal.orgId, userId);
        if (!user) throw new NotFoundError('User', userId);
      }
      const code = newEnrollmentCode();
      const id = randomUUID();
      const expiresAt = new Date(Date.now() + ENROLLMENT_TTL_MS);
      await insertEnrollment(db, { id, orgId: principal.orgId, userId, codeHash: hashEnrollmentCode(code), createdBy: principal.userId, expiresAt });
      request.auditInfo = { targetType: 'agent_enrollment', targetId: id, details: { userId } };
      return reply.status(201).send({ code, expiresAt: expiresAt.toISOString() });
    },
  });

  app.post('/agents/enroll', {
    config: { auth: false, audit: 'agent.enroll', rateLimit: { max: 20, timeWindow: 60_000 } },
    schema: {
      tags: ['agents'],
      summary: 'Exchange a one-time enrolment code for agent credentials and the organisation root key',
      security: [],
      body: z
        .object({
          code: z.string().trim().min(4).max(32),
          name: text(120),
          hostname: text(253),
          os: text(64),
          mailbox: mailboxSchema.optional(),
          reportKey: reportKeySchema.optional().describe('Ed25519 public key (SPKI PEM) the agent signs status mails with; without it status mails from this agent are refused'),
        })
        .strict(),
      response: withErrors({
        201: z.object({
          agentId: z.string(),
          orgId: z.string(),
          clientId: z.string(),
          clientSecret: z.string(),
          mailbox: z.string(),
          root: z.object({ publicKey: z.string(), fingerprint: z.string() }),
          keyList: z.string(),
          keyListVersion: z.number(),
          serverUrl: z.string(),
          maildir: z.string().nullable().optional().describe('Where the embedded mail hub keeps this mailbox on the server machine (for `marketplace-agent run --maildir` on that machine); null when mail goes through a relay or to an own mailbox'),
        }),
      }),
    },
    handler: async (request, reply) => {
      const { code, name, hostname, os } = request.body;
      const codeHash = hashEnrollmentCode(code);
      const enrollment = await findEnrollmentByCodeHash(db, codeHash);
      const refuse = (why: string) => new AppError('ENROLLMENT_CODE_INVALID', 400, `The enrolment code ${why}. Ask for a new code in the marketplace (Deployments → Enrol a workstation) and run enroll again within 15 minutes.`);
      if (!enrollment) throw refuse('is not known (check for typing mistakes)');
      if (enrollment.used_at) throw refuse('was already used');
      if (new Date(enrollment.expires_at).getTime() <= Date.now()) throw refuse('has expired');
      const agentId = randomUUID();
      const mailbox = request.body.mailbox ?? `agent-${randomBytes(5).toString('hex')}@${EMBEDDED_AGENT_DOMAIN}`;
      const taken = await findAgentByMailbox(db, mailbox);
      if (taken) throw new BadRequestError(`The mailbox ${mailbox} already belongs to another enrolled agent; give this agent its own address, or revoke the other agent first.`, 'MAILBOX_TAKEN');
      const claimed = await claimEnrollment(db, enrollment.id, agentId);
      if (!claimed) throw refuse('was already used');
      const keys = await app.orgKeys.publicInfo(enrollment.org_id);
      const client = await createAgentClient(app.db, enrollment.org_id, enrollment.user_id, `agent ${name} (${hostname})`);
      await insertAgent(db, { id: agentId, orgId: enrollment.org_id, userId: enrollment.user_id, clientRowId: client.id, name, hostname, os, mailbox, reportKey: request.body.reportKey ?? null });
      request.auditInfo = { orgId: enrollment.org_id, actorId: enrollment.user_id, targetType: 'agent', targetId: agentId, details: { name, hostname, mailbox, reportsByMail: Boolean(request.body.reportKey) } };
      reply.header('cache-control', 'no-store');
      const embedded = !request.body.mailbox && !app.config.smtp.host;
      return reply.status(201).send({
        maildir: embedded ? mailboxDirectory(resolve(app.config.dataDir), mailbox) : null,
        agentId,
        orgId: enrollment.org_id,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        mailbox,
        root: { publicKey: keys.rootPublicKey, fingerprint: keys.rootFingerprint },
        keyList: keys.keyList,
        keyListVersion: keys.keyListVersion,
        serverUrl: app.config.publicUrl,
      });
    },
  });

  app.get('/agents', {
    config: { auth: USERS },
    schema: { tags: ['agents'], summary: 'Your agents (admins: every agent of the organisation)', response: withErrors({ 200: z.object({ items: z.array(agentSchema) }) }) },
    handler: async (request) => {
      const settings = await getOrgSettings(app.db, request.principal!.orgId);
      const rows = await visible(request.principal!).orderBy('agents.created_at', 'desc').limit(1000).execute();
      return { items: rows.map((row) => toAgent(row, settings.agents.staleAfterSeconds)) };
    },
  });

  app.get('/agents/:id', {
    config: { auth: USERS },
    schema: { tags: ['agents'], summary: 'One agent', params: idParams, response: withErrors({ 200: agentSchema }, [404]) },
    handler: async (request) => {
      const row = await visible(request.principal!).where('agents.id', '=', request.params.id).executeTakeFirst();
      if (!row) throw new NotFoundError('Agent', request.params.id);
      const settings = await getOrgSettings(app.db, request.principal!.orgId);
      return toAgent(row, settings.agents.staleAfterSeconds);
    },
  });

  app.delete('/agents/:id', {
    config: { auth: USERS, audit: 'agent.revoke' },
    schema: { tags: ['agents'], summary: 'Revoke an agent: its credentials stop working and it gets no more releases', params: idParams, response: withErrors({ 204: z.null() }, [404]) },
    handler: async (request, reply) => {
      const row = await visible(request.principal!).where('agents.id', '=', request.params.id).where('agents.revoked_at', 'is', null).executeTakeFirst();
      if (!row) throw new NotFoundError('Agent', request.params.id);
      await revokeAgent(db, row.id, row.client_row_id);
      app.credentialCache.forgetAgent(row.client_row_id);
      request.auditInfo = { targetType: 'agent', targetId: row.id };
      return reply.status(204).send(null);
    },
  });
}
