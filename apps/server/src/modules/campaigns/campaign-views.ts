import { z } from 'zod';
import { iso, isoOrNull } from '../../http/responses.js';
import type { Db } from '../../db/schema.js';
import { campaignCounts, campaignCountsSchema } from './campaign-results.js';
import { campaignDrafts, type CampaignRow } from './campaigns-repository.js';
import { CAMPAIGN_LANGUAGES, CAMPAIGN_STATES } from './campaigns-tables.js';

export const languageSchema = z.enum(CAMPAIGN_LANGUAGES);
export const audienceSchema = z
  .object({
    groupIds: z.array(z.uuid({ message: 'must be a group id (UUID)' })).max(100).optional(),
    everyone: z.boolean().optional().describe('Every active user of the organisation'),
    emails: z.array(z.string().trim().max(254).pipe(z.email({ message: 'must be an e-mail address such as ana@example.com' }))).max(5000).optional().describe('Users by e-mail address; an address that is no active user is refused'),
  })
  .strict()
  .refine((a) => a.everyone || a.groupIds?.length || a.emails?.length, { message: 'choose an audience: groupIds, everyone or emails' })
  .meta({ id: 'CampaignAudience' });

export const draftSchema = z.object({ language: languageSchema, subject: z.string(), body: z.string(), edited: z.boolean() }).meta({ id: 'CampaignDraft' });
export const campaignSchema = z
  .object({
    id: z.string(),
    appId: z.string(),
    versionId: z.string(),
    audience: audienceSchema,
    installNow: z.boolean(),
    state: z.enum(CAMPAIGN_STATES),
    scheduledAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    drafts: z.array(draftSchema),
    counts: campaignCountsSchema,
  })
  .meta({ id: 'Campaign' });
export type CampaignView = z.infer<typeof campaignSchema>;

export async function campaignView(db: Db, row: CampaignRow): Promise<CampaignView> {
  const [drafts, counts] = await Promise.all([campaignDrafts(db, row.id), campaignCounts(db, row.id)]);
  return {
    id: row.id,
    appId: row.app_id,
    versionId: row.version_id,
    audience: row.audience,
    installNow: row.install_now,
    state: row.state,
    scheduledAt: isoOrNull(row.scheduled_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    drafts: drafts.map((d) => ({ language: d.language, subject: d.subject, body: d.body, edited: d.edited })),
    counts,
  };
}
