import { sql } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../../db/schema.js';

/**
 * The incoming mail backlog in /metrics, read from incoming_mail at each scrape (so every process
 * reports the same figures): messages waiting or in processing, the age of the oldest of them,
 * and the recorded outcomes by kind (the part before the first ':', e.g. answered, ignored, quarantined).
 */
export function registerMailQueueMetrics(registry: Registry, db: Db): void {
  new Gauge({
    name: 'mail_incoming_queue_depth',
    help: 'Incoming messages not processed yet, by state (stored: waiting; processing: claimed).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await db.selectFrom('incoming_mail').select(['state', (eb) => eb.fn.countAll<string>().as('n')]).where('state', 'in', ['stored', 'processing']).groupBy('state').execute();
      this.set({ state: 'stored' }, 0);
      this.set({ state: 'processing' }, 0);
      for (const row of rows) this.set({ state: row.state }, Number(row.n));
    },
  });
  new Gauge({
    name: 'mail_incoming_oldest_age_seconds',
    help: 'Age of the oldest incoming message not processed yet (0 when none waits).',
    registers: [registry],
    async collect() {
      const row = await db.selectFrom('incoming_mail').select((eb) => eb.fn.min('received_at').as('oldest')).where('state', 'in', ['stored', 'processing']).executeTakeFirst();
      this.set(row?.oldest ? Math.max(0, (Date.now() - new Date(row.oldest as Date).getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'mail_incoming_outcomes',
    help: 'Incoming messages with a recorded outcome, by kind (answered, ignored, refused, unknown-sender, status-report, quarantined, …).',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const kind = sql<string>`split_part(coalesce(outcome, state), ':', 1)`;
      const rows = await db.selectFrom('incoming_mail').select([kind.as('kind'), (eb) => eb.fn.countAll<string>().as('n')]).where('state', 'in', ['done', 'quarantined']).groupBy(kind).execute();
      this.reset();
      for (const row of rows) this.set({ kind: row.kind }, Number(row.n));
    },
  });
}
