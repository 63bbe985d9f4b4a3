import { inTransaction } from '../../db/in-transaction.js';
import type { Db } from '../../db/schema.js';
import type { Notice } from '../../http/notice.js';
import { PIPELINE_STEPS, STATE_OF_STEP, type PipelineStep } from './pipeline-steps.js';

export async function loadRequest(db: Db, requestId: string) {
  return db.selectFrom('requests').selectAll().where('id', '=', requestId).executeTakeFirst();
}

export async function stepRow(db: Db, requestId: string, step: PipelineStep) {
  return db.selectFrom('request_steps').selectAll().where('request_id', '=', requestId).where('name', '=', step).executeTakeFirst();
}

/** A new request with every step pending, in one transaction. */
export async function insertRequest(
  db: Db,
  values: { id: string; orgId: string; userId: string | null; source: 'api' | 'conversation' | 'email' | 'mcp' | 'cli'; text: string | null; spec: object; notice?: string | null; requestedBy?: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('requests')
      .values({ id: values.id, org_id: values.orgId, user_id: values.userId, source: values.source, text: values.text, spec: JSON.stringify(values.spec), state: 'queued', notice: values.notice ?? null, requested_by: values.requestedBy ?? null })
      .execute();
    await trx
      .insertInto('request_steps')
      .values(PIPELINE_STEPS.map((name, position) => ({ request_id: values.id, name, position, state: 'pending' as const })))
      .execute();
  });
}

export async function markRunning(db: Db, requestId: string, step: PipelineStep): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('request_steps')
      .set((eb) => ({ state: 'running', started_at: new Date(), attempts: eb('attempts', '+', 1), error: null }))
      .where('request_id', '=', requestId)
      .where('name', '=', step)
      .execute();
    if (step !== 'publish') await trx.updateTable('requests').set({ state: STATE_OF_STEP[step], updated_at: new Date() }).where('id', '=', requestId).where('state', '!=', 'failed').execute();
  });
}

export async function markDone(db: Db, requestId: string, step: PipelineStep, startedAt: number): Promise<void> {
  await db
    .updateTable('request_steps')
    .set({ state: 'done', finished_at: new Date(), duration_ms: Math.round(performance.now() - startedAt) })
    .where('request_id', '=', requestId)
    .where('name', '=', step)
    .execute();
}

/** The step waits (for a reviewer): pending again, and the request shows why, unless it finished meanwhile. */
export async function markParked(db: Db, requestId: string, step: PipelineStep, state: 'awaiting-approval'): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('request_steps').set({ state: 'pending', started_at: null }).where('request_id', '=', requestId).where('name', '=', step).where('state', '=', 'running').execute();
    await trx.updateTable('requests').set({ state, updated_at: new Date() }).where('id', '=', requestId).where('state', 'not in', ['published', 'failed']).execute();
  });
}

/** Fails the step and the request, in one transaction (the caller's, when `db` is one). */
export async function markFailed(db: Db, requestId: string, step: PipelineStep, error: { code: string; message: string; notice?: Notice; output?: string }, startedAt?: number): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('request_steps')
      .set({ state: 'failed', finished_at: new Date(), duration_ms: startedAt ? Math.round(performance.now() - startedAt) : null, error: JSON.stringify(error) })
      .where('request_id', '=', requestId)
      .where('name', '=', step)
      .execute();
    await trx
      .updateTable('requests')
      .set({ state: 'failed', error: JSON.stringify({ step, code: error.code, message: error.message, ...(error.notice ? { notice: error.notice } : {}) }), updated_at: new Date() })
      .where('id', '=', requestId)
      .execute();
  });
}

/** Replace a request's files (idempotent: a retried step writes the same set again). */
export async function saveFiles(db: Db, requestId: string, files: Iterable<[string, Buffer | string, number?]>, prefix?: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    let remove = trx.deleteFrom('request_files').where('request_id', '=', requestId);
    if (prefix) remove = remove.where('path', 'like', `${prefix}%`);
    await remove.execute();
    const rows = [...files].map(([path, content, mode]) => ({ request_id: requestId, path, content: Buffer.isBuffer(content) ? content : Buffer.from(content), mode: mode ?? 0o644 }));
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('request_files').values(rows.slice(i, i + 200)).execute();
  });
}

export async function loadFiles(db: Db, requestId: string): Promise<Map<string, { content: Buffer; mode: number }>> {
  const rows = await db.selectFrom('request_files').select(['path', 'content', 'mode']).where('request_id', '=', requestId).orderBy('path').execute();
  return new Map(rows.map((row) => [row.path, { content: Buffer.from(row.content), mode: row.mode }]));
}

export async function saveOutputs(db: Db, requestId: string, values: Partial<{ manifest: object; validation_report: object; scan_report: object; bundle: Buffer; bundle_sha256: string; bundle_size: number; release_json: string; key_id: string }>): Promise<void> {
  const row: Record<string, unknown> = { ...values };
  for (const key of ['manifest', 'validation_report', 'scan_report']) if (row[key] !== undefined) row[key] = JSON.stringify(row[key]);
  await db
    .insertInto('request_outputs')
    .values({ request_id: requestId, ...(row as object) })
    .onConflict((oc) => oc.column('request_id').doUpdateSet(row as object))
    .execute();
}

export async function loadOutputs(db: Db, requestId: string) {
  return db.selectFrom('request_outputs').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

/** The request is in the catalog: called inside the catalog's publish transaction. */
export async function markPublished(db: Db, requestId: string, appId: string): Promise<void> {
  await db.updateTable('requests').set({ state: 'published', app_id: appId, updated_at: new Date() }).where('id', '=', requestId).execute();
}
