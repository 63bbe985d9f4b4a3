import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import { idParams, iso, pagination, withErrors } from '../../http/responses.js';
import { actorNames, targetNames, type ActorName, type TargetName } from './audit-actors.js';
import { chainFor } from './audit-chain.js';
import { findAuditEntry, iterateChain, listAudit, verifyAudit } from './audit-repository.js';
import { toCsvRow, AUDIT_COLUMNS } from './audit-export.js';

const AUDITORS = { roles: ['admin' as const, 'reviewer' as const] };

const entrySchema = z
  .object({
    id: z.string(),
    seq: z.number(),
    at: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable().describe('The person, API key or workstation behind actorId'),
    actorEmail: z.string().nullable().describe('The e-mail of that person (of the key’s or workstation’s owner)'),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    targetName: z.string().nullable().describe('What the target is called: an app’s or deployment’s app title, a workstation’s or person’s name'),
    targetNote: z.string().nullable().describe('More about the target where it helps tell two apart: a person’s e-mail, the workstation a deployment is on'),
    result: z.string(),
    statusCode: z.number().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

type Row = Awaited<ReturnType<typeof listAudit>>['items'][number];
/** An entry as stored; with `names`, also who its actor is and what its target is called (the export keeps the stored fields only). */
const toPublic = (row: Row, names?: { actors: Map<string, ActorName>; targets: Map<string, TargetName> }) => ({
  id: row.id,
  seq: row.seq,
  at: iso(row.at),
  actorType: row.actor_type,
  actorId: row.actor_id,
  ...(names ? { actorName: names.actors.get(`${row.actor_type} ${row.actor_id}`)?.name ?? null, actorEmail: names.actors.get(`${row.actor_type} ${row.actor_id}`)?.email ?? null } : {}),
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  ...(names ? { targetName: names.targets.get(`${row.target_type} ${row.target_id}`)?.name ?? null, targetNote: names.targets.get(`${row.target_type} ${row.target_id}`)?.note ?? null } : {}),
  result: row.result,
  statusCode: row.status_code,
  ip: row.ip,
  requestId: row.request_id,
  details: (row.details ?? {}) as Record<string, unknown>,
  hash: row.hash,
});

export default async function auditRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const namesOf = async (orgId: string, rows: Row[]) => {
    const [actors, targets] = await Promise.all([actorNames(app.db, orgId, rows), targetNames(app.db, orgId, rows)]);
    return { actors, targets };
  };

  app.get('/audit', {
    config: { auth: AUDITORS },
    schema: {
      tags: ['audit'],
      summary: 'Search the audit log (newest first)',
      querystring: z
        .object({
          q: z.string().max(200).optional(),
          action: z.string().max(100).optional(),
          actorId: z.string().max(100).optional(),
          targetType: z.string().max(100).optional(),
          targetId: z.string().max(100).optional(),
          include: z.enum(['heartbeats']).optional().describe('Agent heartbeats are left out unless include=heartbeats'),
          result: z.enum(['success', 'failure', 'denied']).optional(),
          from: z.coerce.date().optional(),
          to: z.coerce.date().optional(),
          ...pagination,
        })
        .strict(),
      response: withErrors({ 200: z.object({ items: z.array(entrySchema), total: z.number() }) }),
    },
    handler: async (request) => {
      const result = await listAudit(app.db, request.principal!.orgId, request.query);
      const names = await namesOf(request.principal!.orgId, result.items);
      return { items: result.items.map((row) => toPublic(row, names)), total: result.total };
    },
  });

  app.get('/audit/:id', {
    config: { auth: AUDITORS },
    schema: { tags: ['audit'], summary: 'One audit entry with all its details', params: idParams, response: withErrors({ 200: entrySchema }, [404]) },
    handler: async (request) => {
      const row = await findAuditEntry(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new NotFoundError('Audit entry', request.params.id);
      return toPublic(row, await namesOf(request.principal!.orgId, [row]));
    },
  });

  app.get('/audit/verify', {
    config: { auth: AUDITORS },
    schema: {
      tags: ['audit'],
      summary: 'Verify the hash chain; names the first bad entry',
      response: withErrors({
        200: z.object({
          ok: z.boolean(),
          checked: z.number(),
          entryId: z.string().nullable().optional(),
          seq: z.number().optional(),
          problem: z.enum(['modified', 'missing', 'reordered', 'truncated']).optional(),
          message: z.string().optional(),
        }),
      }),
    },
    handler: async (request) => {
      const { chain: _chain, ...verdict } = await verifyAudit(app.db, request.principal!.orgId);
      return verdict;
    },
  });

  app.get('/audit/export', {
    config: { auth: AUDITORS },
    schema: {
      tags: ['audit'],
      summary: 'Export the whole audit log as JSON Lines or CSV',
      querystring: z.object({ format: z.enum(['jsonl', 'csv']).default('jsonl') }).strict(),
      response: withErrors({ 200: z.string().describe('application/x-ndjson or text/csv') }),
    },
    handler: async (request, reply) => {
      const format = request.query.format;
      const entries = iterateChain(app.db, chainFor(request.principal!.orgId));
      async function* lines() {
        if (format === 'csv') yield `${AUDIT_COLUMNS.join(',')}\n`;
        for await (const entry of entries) {
          const row = toPublic({ ...entry, at: entry.at } as Row);
          yield format === 'csv' ? toCsvRow(row) : `${JSON.stringify(row)}\n`;
        }
      }
      reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
        .header('content-disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.${format}"`);
      return reply.send(Readable.from(lines()));
    },
  });
}
