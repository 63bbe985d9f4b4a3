import type { Db } from '../../db/schema.js';
import { NotFoundError } from '../../errors/app-error.js';
import { noticeSchema } from '../../http/notice.js';
import { iso } from '../../http/responses.js';
import { getOrgSettings } from '../settings/org-settings.js';

/** A stored failure as the API shows it: its notice only when it is one this server still knows (older rows have none). */
function failureView<T extends Record<string, unknown>>(stored: unknown): (T & { notice?: { code: string; params: Record<string, string | number> } }) | null {
  if (!stored || typeof stored !== 'object') return null;
  const { notice, ...rest } = stored as Record<string, unknown>;
  const parsed = noticeSchema.safeParse(notice);
  return { ...(rest as T), ...(parsed.success ? { notice: parsed.data } : {}) };
}

/** A request, its steps and the deliveries of its release to the requester, as the API shows them. */
export async function requestView(db: Db, orgId: string, id: string) {
  const request = await db.selectFrom('requests').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!request) throw new NotFoundError('Request', id);
  const steps = await db.selectFrom('request_steps').selectAll().where('request_id', '=', id).orderBy('position').execute();
  const deliveries = request.user_id
    ? await db
        .selectFrom('deliveries')
        .innerJoin('app_versions', 'app_versions.id', 'deliveries.version_id')
        .select(['deliveries.id', 'deliveries.recipient', 'deliveries.state', 'deliveries.error'])
        .where('app_versions.request_id', '=', id)
        .where('deliveries.org_id', '=', orgId)
        .where('deliveries.user_id', '=', request.user_id)
        .orderBy('deliveries.created_at')
        .execute()
    : [];
  return {
    deliverySkipped: request.state === 'published' && deliveries.length === 0 ? await deliverySkipped(db, request) : null,
    id: request.id,
    state: request.state,
    source: request.source,
    spec: request.spec as Record<string, unknown>,
    steps: steps.map((step) => ({ name: step.name, state: step.state, durationMs: step.duration_ms, attempts: step.attempts, error: failureView<{ code: string; message: string; output?: string }>(step.error) })),
    appId: request.app_id,
    version: request.version,
    error: failureView<{ step: string; code: string; message: string }>(request.error),
    notice: request.notice,
    deliveries,
    createdAt: iso(request.created_at),
    updatedAt: iso(request.updated_at),
  };
}

/** A page of the organisation's requests (only the caller's own when a user asks), newest first, and their count. */
export async function listRequests(db: Db, principal: { orgId: string; userId: string | null }, page: { limit: number; offset: number }) {
  let query = db.selectFrom('requests').where('org_id', '=', principal.orgId);
  if (principal.userId) query = query.where('user_id', '=', principal.userId);
  const [rows, count] = await Promise.all([
    query.select(['id', 'state', 'spec', 'version', 'created_at']).orderBy('created_at', 'desc').limit(page.limit).offset(page.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * Why a published request sent its release nowhere: the organisation sends releases only when someone
 * installs them (setting distribution.deliverToRequester off), or the requester has no workstation enrolled.
 * As kept at publication (`delivery_skipped`); worked out from today's setting only for requests published
 * before the reason was kept.
 */
export async function deliverySkipped(db: Db, request: { org_id: string; delivery_skipped: 'not-automatic' | 'no-workstation' | null }): Promise<'not-automatic' | 'no-workstation'> {
  if (request.delivery_skipped) return request.delivery_skipped;
  return (await getOrgSettings(db, request.org_id)).distribution.deliverToRequester ? 'no-workstation' : 'not-automatic';
}
