import { randomUUID } from 'node:crypto';
import type { JobQueue } from '@marketplace/db';
import { extractSpec, parseAppSpec } from '@marketplace/spec';
import { z } from 'zod';
import type { Db } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import type { EventBus } from '../events/event-bus.js';
import { jobName } from './pipeline-steps.js';
import { insertRequest } from './pipeline-repository.js';
import { publishableName } from '../catalog/app-owners.js';
import { publishRequestEvent } from './request-events.js';
import { ApprovalError } from '../approvals/approval-error.js';
import { refusedHost } from '../approvals/reach-policy.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { McpClientError } from '../mcp-client/mcp-client-error.js';
import { unregisteredMcpServers } from '../mcp-client/mcp-servers-repository.js';

/** What submitting a request needs: the store, the live updates and the queue (null in a process that runs no jobs). */
export interface RequestServiceDeps {
  db: Db;
  events: EventBus;
  jobs: JobQueue | null;
}

export interface SubmitRequestInput {
  orgId: string;
  userId: string | null;
  source: 'api' | 'conversation' | 'email' | 'mcp' | 'cli';
  spec: object;
  text: string | null;
  notice?: string | null;
  /** Whose words this is when not the requester's (a reporter's change built on an owner's behalf); the changelog names them. */
  requestedBy?: string | null;
}

/**
 * A request whose spec names an app the requester may not publish into becomes a new app with its own
 * name (`<name>-2`, …); the request's notice says so. Publishing checks ownership again.
 */
async function ownName(db: Db, input: SubmitRequestInput): Promise<{ spec: object; notice: string | null }> {
  const name = (input.spec as { name?: unknown }).name;
  if (typeof name !== 'string') return { spec: input.spec, notice: input.notice ?? null };
  const own = await publishableName(db, input.orgId, input.userId, name);
  if (own === name) return { spec: input.spec, notice: input.notice ?? null };
  const renamed = `An app named "${name}" already exists and belongs to someone else, so this request makes a new app named "${own}". To add a version to "${name}", ask its owners to add you as a co-owner.`;
  return { spec: { ...input.spec, name: own }, notice: input.notice ? `${input.notice} ${renamed}` : renamed };
}

/**
 * Submit an AppSpec (or a request in words) to the pipeline: the request and its steps are stored, then its first step is queued.
 * A source or output on a link-local or cloud-metadata address is refused first (HOST_REFUSED, naming the field),
 * and so is an MCP tool of a server the organisation has not registered (MCP_SERVER_UNKNOWN).
 */
export async function submitRequest(deps: RequestServiceDeps, input: SubmitRequestInput): Promise<string> {
  if (!deps.jobs) throw new AppError('JOBS_UNAVAILABLE', 503, 'The job queue is not running in this process; start the server with --role all or api.');
  const { policy } = await getOrgSettings(deps.db, input.orgId);
  const refused = refusedHost(input.spec as Parameters<typeof refusedHost>[0], policy);
  if (refused) {
    throw new ApprovalError('HOST_REFUSED', `spec.${refused.field} reaches ${refused.host}, a link-local or cloud-metadata address, which apps may not use as a source or output; point it at the real service instead.`, { field: `spec.${refused.field}`, host: refused.host });
  }
  const declared = ((input.spec as { mcpTools?: { server: string }[] }).mcpTools ?? []).map((use) => use.server);
  const unknown = await unregisteredMcpServers(deps.db, input.orgId, declared);
  if (unknown.length) {
    throw new McpClientError('MCP_SERVER_UNKNOWN', `spec.mcpTools names MCP servers this organisation has not registered: ${unknown.join(', ')}; an admin registers them under Admin → MCP servers, or use the name of one that is.`);
  }
  const id = randomUUID();
  const { spec, notice } = await ownName(deps.db, input);
  await insertRequest(deps.db, { id, ...input, spec, notice });
  await publishRequestEvent(deps.db, deps.events, id, null, null);
  await deps.jobs.send(jobName('generate'), { orgId: input.orgId, requestId: id }, { singletonKey: `${id}:generate` });
  return id;
}

/** `POST /requests` body, and the MCP build tool's input: a full AppSpec, or a request in words (EN/PL). */
export const requestBodySchema = z.union([z.object({ spec: z.record(z.string(), z.unknown()) }).strict(), z.object({ text: z.string().trim().min(3).max(20_000) }).strict()]);

/** The finished AppSpec a request body names; an invalid spec or one with open questions is refused (422) with what to fix. */
export function specOfRequest(body: z.infer<typeof requestBodySchema>): { spec: object; text: string | null } {
  if ('spec' in body) {
    const parsed = parseAppSpec(body.spec);
    if (!parsed.ok) throw new AppError('SPEC_INVALID', 422, `The AppSpec is invalid: ${parsed.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { details: { errors: parsed.issues } });
    if (parsed.spec.missing?.length) throw new AppError('SPEC_INCOMPLETE', 422, `The AppSpec still has open questions (${parsed.spec.missing.join(', ')}); answer them or remove "missing".`, { details: { missing: parsed.spec.missing } });
    return { spec: parsed.spec, text: null };
  }
  const result = extractSpec(body.text);
  if (result.missing.length) {
    throw new AppError('SPEC_INCOMPLETE', 422, `The request leaves questions open: ${result.questions.map((q) => q.question).join(' ')} Answer them in a conversation (POST /api/v1/conversations) or send a full spec.`, {
      details: { missing: result.missing, questions: result.questions, spec: result.spec },
    });
  }
  return { spec: result.spec, text: body.text };
}
