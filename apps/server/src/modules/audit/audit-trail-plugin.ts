import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendAudit, type AuditEvent } from './audit-repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit action name of a state-changing route, e.g. `api_key.create`; `false`: the route writes its own entries (MCP: one per tool call). */
    audit?: string | false;
  }
  interface FastifyRequest {
    /** What the handler learned that the audit entry should carry. */
    auditInfo: {
      orgId?: string;
      /** Who acted when no one is signed in (a sign-in, an agent asking for a token); a `user` unless `actorType` says otherwise. */
      actorId?: string;
      actorType?: Exclude<AuditEvent['actorType'], 'anonymous' | 'system'>;
      targetType?: string;
      targetId?: string;
      details?: Record<string, unknown>;
    };
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function resultOf(status: number): AuditEvent['result'] {
  if (status < 400) return 'success';
  if (status === 403) return 'denied';
  return 'failure';
}

export function auditEventOf(request: FastifyRequest, statusCode: number): AuditEvent {
  const principal = request.principal;
  const info = request.auditInfo;
  return {
    orgId: principal?.orgId ?? info.orgId ?? null,
    actorType: principal ? principal.kind : info.actorId ? (info.actorType ?? 'user') : 'anonymous',
    actorId: principal?.id ?? info.actorId ?? null,
    action: request.routeOptions.config?.audit || `${request.method} ${request.routeOptions.url}`,
    targetType: info.targetType ?? null,
    targetId: info.targetId ?? null,
    result: resultOf(statusCode),
    statusCode,
    ip: request.ip,
    requestId: request.id,
    details: info.details ?? {},
  };
}

/**
 * Every state-changing request — and so every security event: sign-in, keys, roles — leaves one entry
 * in its organisation's hash-chained audit log, written before the response leaves the server.
 */
export default fp(
  async function auditTrail(app: FastifyInstance) {
    app.decorateRequest('auditInfo', null as any);
    app.addHook('onRequest', async (request) => {
      request.auditInfo = {};
    });
    // A refused request records why: the problem's stable code (also when sign-in failed before this plugin's onRequest).
    app.addHook('onError', async (request, _reply, error) => {
      const code = (error as { code?: unknown }).code;
      request.auditInfo ??= {};
      if (typeof code === 'string') request.auditInfo.details = { ...request.auditInfo.details, code };
    });
    app.addHook('onSend', async (request, reply, payload) => {
      if (!STATE_CHANGING.has(request.method) || !request.routeOptions.url || request.routeOptions.config?.audit === false) return payload;
      request.auditInfo ??= {};
      try {
        await appendAudit(app.db, auditEventOf(request, reply.statusCode));
      } catch (error) {
        request.log.error({ err: error }, 'could not write the audit entry');
      }
      return payload;
    });
  },
  { name: 'audit-trail', dependencies: ['database'] },
);
