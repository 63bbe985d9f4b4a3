import { workstationPathSchema } from '@marketplace/release';
import { z } from 'zod';
import type { Db } from '../../db/schema.js';

/** A host name or address an app may reach without review: `intranet.example.com`, `*.example.com`, `10.0.0.7`. */
const allowedHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^[0-9a-f:.]+$/, { message: 'must be a host name (optionally starting with "*.") or an IP address, without scheme, port or path' });

/** A registered MCP server's tool, `server/tool`, or every allowed tool of it, `server/*`. */
const mcpToolRefSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}\/(\*|[A-Za-z0-9_.-]{1,128})$/, { message: 'must be "server/tool" or "server/*" with a registered MCP server\'s name' });

/**
 * What may be published or distributed without a reviewer (issue 12, item 4). `publish`: `none`
 * (no review), `outside-allow-list` (apps whose sources or outputs reach a host not in `allowedHosts`),
 * `all` (every app). `distributeToOthers`: sending a release to other people's agents waits for a
 * reviewer. Link-local and cloud-metadata addresses are refused as sources and outputs unless
 * `allowLinkLocal` is on. `workstationReadPaths`: files or folders on employees' workstations that
 * apps may read (read only, outside their data folder); each release e-mail carries them in its
 * signed delivery statement, and agents grant nothing else.
 */
export const policySchema = z
  .object({
    publish: z.enum(['none', 'outside-allow-list', 'all']).default('none'),
    allowedHosts: z.array(allowedHostSchema).max(200).default([]),
    distributeToOthers: z.boolean().default(false),
    selfApproval: z.boolean().default(false).describe('Whether a reviewer may approve their own request'),
    approvalLinkTtlHours: z.number().int().min(1).max(168).default(48),
    allowLinkLocal: z.boolean().default(false).describe('Allow link-local and cloud-metadata addresses as sources and outputs (never needed in normal use)'),
    workstationReadPaths: z
      .array(workstationPathSchema)
      .max(64)
      .default([])
      .describe('Absolute paths of files or folders on workstations that apps may read (read only), e.g. /srv/exports; the agent refuses an app reading anything else outside its data folder'),
    mcpConversationTools: z
      .array(mcpToolRefSchema)
      .max(200)
      .default([])
      .describe('Tools of registered MCP servers the conversation engine may call, as "server/tool" or "server/*" (empty: none)'),
    mcpAutomationTools: z
      .array(mcpToolRefSchema)
      .max(200)
      .default([])
      .describe('Tools of registered MCP servers that apps may declare as a source or an output, as "server/tool" or "server/*" (empty: none)'),
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;
export const POLICY_DEFAULTS: Policy = { publish: 'none', allowedHosts: [], distributeToOthers: false, selfApproval: false, approvalLinkTtlHours: 48, allowLinkLocal: false, workstationReadPaths: [], mcpConversationTools: [], mcpAutomationTools: [] };

/** Whether a policy list of MCP tools (`server/tool`, `server/*`) names this server's tool. */
export const mcpToolListed = (entries: readonly string[], server: string, tool: string): boolean => entries.includes(`${server}/${tool}`) || entries.includes(`${server}/*`);

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
        /** A new version goes to every agent that runs an earlier version of the app (an update of its installs). */
        updateInstalls: z.boolean().default(true),
      })
      .strict()
      .default({ maxAttachmentBytes: 10 * 1024 * 1024, downloadLinkTtlHours: 72, deliverToRequester: true, updateInstalls: true }),
    agents: z.object({ staleAfterSeconds: z.number().int().min(30).max(86_400).default(300) }).strict().default({ staleAfterSeconds: 300 }),
    mail: z
      .object({
        unknownSenders: z.enum(['reply-once', 'ignore']).default('reply-once'),
        /** The language of mail to people when neither the message answered nor anything else tells it. */
        language: z.enum(['en', 'pl']).default('en').describe('Language of outgoing mail when the message answered does not tell it'),
        /** Text every outgoing mail must carry (templates put it where `{{footer}}` stands); empty: none required. */
        footer: z.string().max(2000).default('').describe('Footer every outgoing mail must carry; a mail without it is not sent'),
        /** Hosts links in outgoing mail may point to, besides PUBLIC_URL's own host. */
        allowedLinkDomains: z.array(allowedHostSchema).max(200).default([]).describe('Hosts links in outgoing mail may point to, besides the marketplace’s own (PUBLIC_URL); "*.example.com" allows its subdomains'),
        /** Largest outgoing message (the whole MIME message, attachments included). */
        maxMessageBytes: z.number().int().min(10_000).max(100 * 1024 * 1024).default(25 * 1024 * 1024).describe('Largest outgoing message in bytes, attachments included'),
      })
      .strict()
      .default({ unknownSenders: 'reply-once', language: 'en', footer: '', allowedLinkDomains: [], maxMessageBytes: 25 * 1024 * 1024 }),
    inbox: z
      .object({
        /**
         * What a bug reporter's `CHANGE:` reply to their report's thread does (decision 0047): `off` (the
         * suggestion goes to the owners' inbox, the reporter is told changes come from the owners),
         * `with-owner-approval` (built only after an owner approves it), `allowed` (built on an owner's
         * behalf through the same pipeline and approvals).
         */
        reporterChanges: z.enum(['off', 'with-owner-approval', 'allowed']).default('off').describe("What a reporter's CHANGE: reply to their report does: off (passed to the owners as a suggestion), with-owner-approval (built after an owner approves), allowed (built on an owner's behalf, same approvals)"),
      })
      .strict()
      .default({ reporterChanges: 'off' }),
    llm: z.object({ activeProvider: z.string().max(64).nullable().default(null) }).strict().default({ activeProvider: null }),
    policy: policySchema.default(POLICY_DEFAULTS),
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
    inbox: orgSettingsSchema.shape.inbox.unwrap().partial().optional(),
    llm: orgSettingsSchema.shape.llm.unwrap().partial().optional(),
    policy: policySchema.partial().optional(),
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
