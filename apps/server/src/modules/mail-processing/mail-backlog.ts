import { sql } from 'kysely';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';

export const mailBacklogSchema = z
  .object({
    waiting: z.number().int().describe('Received mail not processed yet'),
    processing: z.number().int().describe('Mail a worker holds right now'),
    quarantined: z.number().int().describe('Mail set aside after a failure, waiting for an admin'),
    oldestSeconds: z.number().int().describe('Age of the oldest mail waiting or processing (0: none)'),
  })
  .meta({ id: 'MailBacklog' });
export type MailBacklog = z.infer<typeof mailBacklogSchema>;

/**
 * The mail pipeline's backlog: the hub's received mail not processed yet. Server-wide, like the
 * `mail_incoming_*` figures of /metrics: mail waiting to be processed belongs to no organisation yet.
 */
export async function mailBacklog(db: Db): Promise<MailBacklog> {
  const rows = await db
    .selectFrom('incoming_mail')
    .select(['state', sql<string>`count(*)`.as('count'), sql<string | null>`floor(extract(epoch from (now() - min(received_at))))`.as('oldest')])
    .where('state', 'in', ['stored', 'processing', 'quarantined'])
    .groupBy('state')
    .execute();
  const of = (state: string) => rows.find((row) => row.state === state);
  const open = rows.filter((row) => row.state !== 'quarantined');
  return {
    waiting: Number(of('stored')?.count ?? 0),
    processing: Number(of('processing')?.count ?? 0),
    quarantined: Number(of('quarantined')?.count ?? 0),
    oldestSeconds: Math.max(0, ...open.map((row) => Number(row.oldest ?? 0))),
  };
}

/** How often the backlog is looked at while someone of some organisation listens. */
export const BACKLOG_EVERY_MS = 2000;

/**
 * Publishes `mail-backlog` to the admins of each organisation with a live connection in this process,
 * when the figures change (counts; the age only when it crosses into another minute), so the Incoming
 * mail and Messages pages show the queue draining without a reload. Nothing is read while nobody listens.
 */
export function startMailBacklogEvents(input: { db: Db; events: EventBus; logger: Logger; everyMs?: number }): () => void {
  // the first reading is the baseline (pages read it with GET /mail-backlog): only changes are published
  let last: string | null = null;
  let running = false;
  const tick = async () => {
    const orgs = input.events.subscribedOrgs();
    if (!orgs.length || running) return;
    running = true;
    try {
      const backlog = await mailBacklog(input.db);
      const key = JSON.stringify({ ...backlog, oldestSeconds: Math.floor(backlog.oldestSeconds / 60) });
      const changed = last !== null && key !== last;
      last = key;
      if (!changed) return;
      for (const orgId of orgs) input.events.publish({ orgId, type: 'mail-backlog', data: backlog, audience: { roles: ['admin'] } });
    } catch (error) {
      input.logger.debug({ err: error, component: 'mail-backlog' }, 'mail backlog not read');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), input.everyMs ?? BACKLOG_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
