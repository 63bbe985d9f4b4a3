import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import { GENESIS_HASH, chainFor, entryHash, verifyChain, type StoredEntry } from './audit-chain.js';

export interface AuditEvent {
  orgId: string | null;
  actorType: 'user' | 'api-key' | 'agent' | 'anonymous' | 'system';
  actorId: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  result: 'success' | 'failure' | 'denied';
  statusCode?: number | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Append one event to its organisation's chain; the head row is locked so entries never race.
 * Four round trips once the chain exists (begin, lock the head, the entry with its new head, commit):
 * every processed mail and request writes one, so each statement counts.
 */
export async function appendAudit(db: Db, event: AuditEvent): Promise<{ id: string; seq: number; hash: string }> {
  const [entry] = await db.transaction().execute((trx) => appendAuditEvents(trx, [event]));
  return entry!;
}

/**
 * Appends events, in their order, to their chains inside the caller's transaction (`trx` must be
 * one: the heads stay locked until it ends, and the entries commit or vanish with the rest of it).
 * Per chain: lock its head (made first when missing), then every entry and the head's move in one
 * statement — so a batch of N events costs two statements per chain, not four per event.
 */
export async function appendAuditEvents(trx: Db, events: AuditEvent[]): Promise<{ id: string; seq: number; hash: string }[]> {
  const byChain = new Map<string, number[]>();
  events.forEach((event, i) => {
    const chain = chainFor(event.orgId);
    byChain.set(chain, [...(byChain.get(chain) ?? []), i]);
  });
  const appended: { id: string; seq: number; hash: string }[] = new Array(events.length);
  for (const [chain, indexes] of byChain) {
    const lockHead = () => trx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).forUpdate().executeTakeFirst();
    let head = await lockHead();
    if (!head) {
      // the chain's first entry: its head is made once (another writer may be making it right now)
      await trx.insertInto('audit_heads').values({ chain, seq: 0, hash: GENESIS_HASH }).onConflict((oc) => oc.column('chain').doNothing()).execute();
      head = await lockHead();
      if (!head) throw new Error(`audit chain ${chain} has no head row after creating it`);
    }
    let { seq, hash: prevHash } = head;
    const rows = indexes.map((i) => {
      const event = events[i]!;
      const entry = {
        id: randomUUID(),
        chain,
        seq: ++seq,
        org_id: event.orgId,
        at: new Date(),
        actor_type: event.actorType,
        actor_id: event.actorId,
        action: event.action,
        target_type: event.targetType ?? null,
        target_id: event.targetId ?? null,
        result: event.result,
        status_code: event.statusCode ?? null,
        ip: event.ip ?? null,
        request_id: event.requestId ?? null,
        details: event.details ?? {},
        prev_hash: prevHash,
      };
      const hash = entryHash(entry);
      prevHash = hash;
      appended[i] = { id: entry.id, seq: entry.seq, hash };
      return { ...entry, details: JSON.stringify(entry.details), hash };
    });
    // one statement: the entries, and the head moved to the last (a data-modifying WITH, all or nothing)
    await trx
      .with('entry', (qb) => qb.insertInto('audit_log').values(rows))
      .updateTable('audit_heads')
      .set({ seq, hash: prevHash })
      .where('chain', '=', chain)
      .execute();
  }
  return appended;
}

export interface AuditQuery {
  q?: string;
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  include?: 'heartbeats';
  result?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

function filtered(db: Db, orgId: string, query: Omit<AuditQuery, 'limit' | 'offset'>) {
  let builder = db.selectFrom('audit_log').where('chain', '=', chainFor(orgId));
  if (query.action) builder = builder.where('action', '=', query.action);
  if (query.actorId) builder = builder.where('actor_id', '=', query.actorId);
  if (query.targetType) builder = builder.where('target_type', '=', query.targetType);
  if (query.targetId) builder = builder.where('target_id', '=', query.targetId);
  // heartbeats are a third of the log and say little: shown only when asked for (or filtered by action)
  if (query.include !== 'heartbeats' && query.action !== 'agent.heartbeat') builder = builder.where('action', '!=', 'agent.heartbeat');
  if (query.result) builder = builder.where('result', '=', query.result as any);
  if (query.from) builder = builder.where('at', '>=', query.from);
  if (query.to) builder = builder.where('at', '<', query.to);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    builder = builder.where((eb) => eb.or([eb('action', 'ilike', like), eb('target_id', 'ilike', like), eb('actor_id', 'ilike', like), eb(sql`details::text`, 'ilike', like)]));
  }
  return builder;
}

export async function listAudit(db: Db, orgId: string, query: AuditQuery) {
  const [items, count] = await Promise.all([
    filtered(db, orgId, query).selectAll().orderBy('seq', 'desc').limit(query.limit).offset(query.offset).execute(),
    filtered(db, orgId, query).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** Stream the whole chain in order, in pages, for export and verification. */
export async function* iterateChain(db: Db, chain: string, upToSeq = 2_147_483_647, pageSize = 1000): AsyncGenerator<StoredEntry> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('chain', '=', chain).where('seq', '>', after).where('seq', '<=', upToSeq).orderBy('seq').limit(pageSize).execute();
    for (const row of rows) yield { ...row, at: new Date(row.at), details: row.details ?? {} } as StoredEntry;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.seq;
  }
}

export async function verifyAudit(db: Db, orgId: string | null) {
  const chain = chainFor(orgId);
  const head = await db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).executeTakeFirst();
  // Entries appended while we verify lie past the head we read, and are left for the next check.
  return { chain, ...(await verifyChain(iterateChain(db, chain, head?.seq ?? 0), head)) };
}

export async function listChains(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_heads').select('chain').orderBy('chain').execute();
  return rows.map((r) => r.chain);
}

/** One entry of the organisation's chain, by id. */
export function findAuditEntry(db: Db, orgId: string, id: string) {
  return db.selectFrom('audit_log').selectAll().where('chain', '=', chainFor(orgId)).where('id', '=', id).executeTakeFirst();
}
