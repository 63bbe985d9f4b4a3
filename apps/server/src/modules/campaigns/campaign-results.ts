import { z } from 'zod';
import type { Db } from '../../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import { attributedInstalls, findCampaign, recipientCounts, recipientTimes, type CampaignRow } from './campaigns-repository.js';

export const campaignCountsSchema = z
  .object({
    recipients: z.number().int(),
    byLanguage: z.record(z.string(), z.number().int()).describe('Recipients per announcement language'),
    pending: z.number().int().describe('Not mailed yet'),
    sent: z.number().int().describe('Mails the relay or hub took (bounced ones included)'),
    bounced: z.number().int().describe('Mails a delivery status notification reported as undeliverable'),
    failed: z.number().int().describe('Mails the relay or hub refused, or whose sending a crash interrupted with a relay'),
    installs: z.number().int().describe('Deployments of the campaign’s own deliveries (install now) that started'),
    healthy: z.number().int().describe('Of those, the ones their agent reported healthy'),
  })
  .meta({ id: 'CampaignCounts' });
export type CampaignCounts = z.infer<typeof campaignCountsSchema>;

export const campaignSeriesSchema = z
  .array(z.object({ at: z.string().describe('Start of the bucket'), sent: z.number().int(), bounced: z.number().int(), installs: z.number().int(), healthy: z.number().int() }))
  .describe('Cumulative counts at the end of each bucket, from the first mail to the last event');

export const BUCKETS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type Bucket = keyof typeof BUCKETS;
/** A series longer than this is cut to its last buckets (choose a wider bucket to see it all). */
const MAX_POINTS = 500;

export async function campaignCounts(db: Db, campaignId: string): Promise<CampaignCounts> {
  const [rows, installs] = await Promise.all([recipientCounts(db, campaignId), attributedInstalls(db, campaignId)]);
  const counts: CampaignCounts = { recipients: 0, byLanguage: {}, pending: 0, sent: 0, bounced: 0, failed: 0, installs: 0, healthy: 0 };
  for (const row of rows) {
    counts.recipients += row.count;
    counts.byLanguage[row.language] = (counts.byLanguage[row.language] ?? 0) + row.count;
    if (row.state === 'pending' || row.state === 'sending') counts.pending += row.count;
    if (row.state === 'sent' || row.state === 'bounced') counts.sent += row.count;
    if (row.state === 'bounced') counts.bounced += row.count;
    if (row.state === 'failed') counts.failed += row.count;
  }
  counts.installs = installs.filter((row) => row.installed_at).length;
  counts.healthy = installs.filter((row) => row.healthy_at).length;
  return counts;
}

/** The counts over time, cumulative per bucket. */
export async function campaignSeries(db: Db, campaignId: string, bucket: Bucket): Promise<z.infer<typeof campaignSeriesSchema>> {
  const [mails, installs] = await Promise.all([recipientTimes(db, campaignId), attributedInstalls(db, campaignId)]);
  const events: { at: number; kind: 'sent' | 'bounced' | 'installs' | 'healthy' }[] = [];
  const push = (at: Date | string | null | undefined, kind: (typeof events)[number]['kind']) => at && events.push({ at: new Date(at).getTime(), kind });
  for (const mail of mails) {
    push(mail.sent_at, 'sent');
    push(mail.bounced_at, 'bounced');
  }
  for (const install of installs) {
    push(install.installed_at as Date | string | null, 'installs');
    push(install.healthy_at as Date | string | null, 'healthy');
  }
  if (!events.length) return [];
  const size = BUCKETS[bucket];
  const first = Math.floor(Math.min(...events.map((e) => e.at)) / size) * size;
  const last = Math.floor(Math.max(...events.map((e) => e.at)) / size) * size;
  const start = Math.max(first, last - (MAX_POINTS - 1) * size);
  const totals = { sent: 0, bounced: 0, installs: 0, healthy: 0 };
  const points: z.infer<typeof campaignSeriesSchema> = [];
  const sorted = events.sort((a, b) => a.at - b.at);
  let next = 0;
  for (let at = start; at <= last; at += size) {
    while (next < sorted.length && sorted[next]!.at < at + size) totals[sorted[next++]!.kind] += 1;
    points.push({ at: new Date(at).toISOString(), ...totals });
  }
  return points;
}

/** Tells the campaign's creator and admins its state and counts (event `campaign`). */
export async function publishCampaign(db: Db, events: EventBus, campaign: CampaignRow | string): Promise<void> {
  const row = typeof campaign === 'string' ? await db.selectFrom('campaigns').selectAll().where('id', '=', campaign).executeTakeFirst() : campaign;
  if (!row) return;
  const fresh = (await findCampaign(db, row.org_id, row.id)) ?? row;
  events.publish({ orgId: row.org_id, type: 'campaign', data: { id: row.id, appId: row.app_id, state: fresh.state, counts: await campaignCounts(db, row.id) }, audience: { userId: row.created_by, roles: ['admin'] } });
}
