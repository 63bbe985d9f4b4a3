import { z } from 'zod';
import type { Db } from '../../db/schema.js';

/**
 * Runtime settings an admin may change while the server runs. Each has a safe default, so an
 * organisation that never touched them behaves predictably; unknown keys are refused.
 */
export const orgSettingsSchema = z
  .object({
    requests: z.object({ requireApproval: z.boolean().default(false), maxConcurrent: z.number().int().min(1).max(50).default(4) }).strict().default({ requireApproval: false, maxConcurrent: 4 }),
    distribution: z
      .object({
        maxAttachmentBytes: z.number().int().min(1024).max(50 * 1024 * 1024).default(10 * 1024 * 1024),
        downloadLinkTtlHours: z.number().int().min(1).max(720).default(72),
        /** A published request's release goes to the requester's own enrolled agents without a distribute. */
        deliverToRequester: z.boolean().default(true),
      })
      .strict()
      .default({ maxAttachmentBytes: 10 * 1024 * 1024, downloadLinkTtlHours: 72, deliverToRequester: true }),
    agents: z.object({ staleAfterSeconds: z.number().int().min(30).max(86_400).default(300) }).strict().default({ staleAfterSeconds: 300 }),
    mail: z.object({ unknownSenders: z.enum(['reply-once', 'ignore']).default('reply-once') }).strict().default({ unknownSenders: 'reply-once' }),
    llm: z.object({ activeProvider: z.string().max(64).nullable().default(null) }).strict().default({ activeProvider: null }),
  })
  .strict()
  .meta({ id: 'OrgSettings' });
export type OrgSettings = z.infer<typeof orgSettingsSchema>;

/** A partial update: any subset of sections and keys. */
export const orgSettingsPatchSchema = z
  .object({
    requests: orgSettingsSchema.shape.requests.unwrap().partial().optional(),
    distribution: orgSettingsSchema.shape.distribution.unwrap().partial().optional(),
    agents: orgSettingsSchema.shape.agents.unwrap().partial().optional(),
    mail: orgSettingsSchema.shape.mail.unwrap().partial().optional(),
    llm: orgSettingsSchema.shape.llm.unwrap().partial().optional(),
  })
  .strict();
export type OrgSettingsPatch = z.infer<typeof orgSettingsPatchSchema>;

export async function getOrgSettings(db: Db, orgId: string): Promise<OrgSettings> {
  const row = await db.selectFrom('org_settings').select('settings').where('org_id', '=', orgId).executeTakeFirst();
  return orgSettingsSchema.parse(row?.settings ?? {});
}

export async function updateOrgSettings(db: Db, orgId: string, userId: string | null, patch: OrgSettingsPatch, replace = false): Promise<{ before: OrgSettings; after: OrgSettings }> {
  return db.transaction().execute(async (trx) => {
    const before = await getOrgSettings(trx, orgId);
    const merged: Record<string, unknown> = replace ? {} : structuredClone(before);
    for (const [section, values] of Object.entries(patch)) {
      merged[section] = { ...((replace ? {} : merged[section]) as object), ...(values as object) };
    }
    const after = orgSettingsSchema.parse(merged);
    await trx
      .insertInto('org_settings')
      .values({ org_id: orgId, settings: JSON.stringify(after), updated_by: userId })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ settings: JSON.stringify(after), updated_by: userId, updated_at: new Date() }))
      .execute();
    return { before, after };
  });
}
