import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/schema.js';
import type { CampaignAudience, CampaignLanguage, CampaignState, RecipientState } from './campaigns-tables.js';

/** An active user of the organisation as a campaign recipient. */
export interface AudienceUser {
  id: string;
  email: string;
  language: CampaignLanguage | null;
}

/** Active users: all of the organisation's, members of some groups, or those with some e-mail addresses. */
export async function audienceUsers(db: Db, orgId: string, select: { everyone?: boolean | undefined; groupIds?: string[] | undefined; emails?: string[] | undefined }): Promise<AudienceUser[]> {
  let query = db.selectFrom('users').select(['users.id', 'users.email', 'users.language']).where('users.org_id', '=', orgId).where('users.status', '=', 'active');
  if (!select.everyone) {
    const groupIds = select.groupIds ?? [];
    const emails = (select.emails ?? []).map((address) => address.toLowerCase());
    if (!groupIds.length && !emails.length) return [];
    query = query.where((eb) =>
      eb.or([
        ...(groupIds.length ? [eb('users.id', 'in', eb.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id').select('group_members.user_id').where('groups.org_id', '=', orgId).where('groups.id', 'in', groupIds))] : []),
        ...(emails.length ? [eb(eb.fn('lower', ['users.email']), 'in', emails)] : []),
      ]),
    );
  }
  return query.orderBy('users.email').execute();
}

/** The app and its latest published version, as an announcement names them. */
export function findAppForCampaign(db: Db, orgId: string, appId: string) {
  return db
    .selectFrom('apps')
    .leftJoin('app_versions', (join) => join.onRef('app_versions.app_id', '=', 'apps.id').onRef('app_versions.version', '=', 'apps.latest_version'))
    .select(['apps.id', 'apps.name', 'apps.title', 'apps.summary', 'app_versions.id as version_id', 'app_versions.version', 'app_versions.changelog'])
    .where('apps.org_id', '=', orgId)
    .where('apps.id', '=', appId)
    .executeTakeFirst();
}

export interface NewCampaign {
  orgId: string;
  appId: string;
  versionId: string;
  audience: CampaignAudience;
  installNow: boolean;
  createdBy: string | null;
  drafts: { language: CampaignLanguage; subject: string; body: string }[];
  recipients: { userId: string; email: string; language: CampaignLanguage }[];
}

/** The campaign, its drafts and its recipients, in one transaction. */
export async function insertCampaign(db: Db, input: NewCampaign): Promise<string> {
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('campaigns').values({ id, org_id: input.orgId, app_id: input.appId, version_id: input.versionId, audience: JSON.stringify(input.audience), install_now: input.installNow, state: 'draft', created_by: input.createdBy }).execute();
    await trx.insertInto('campaign_drafts').values(input.drafts.map((draft) => ({ campaign_id: id, ...draft }))).execute();
    for (let start = 0; start < input.recipients.length; start += 500) {
      const batch = input.recipients.slice(start, start + 500).map((r) => ({ id: randomUUID(), campaign_id: id, org_id: input.orgId, user_id: r.userId, email: r.email, language: r.language, state: 'pending' as const }));
      await trx.insertInto('campaign_recipients').values(batch).execute();
    }
  });
  return id;
}

export function findCampaign(db: Db, orgId: string, id: string) {
  return db.selectFrom('campaigns').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;

export function listCampaigns(db: Db, orgId: string, viewer: { userId: string | null; admin: boolean }, limit: number) {
  let query = db.selectFrom('campaigns').selectAll().where('org_id', '=', orgId);
  if (!viewer.admin) {
    const userId = viewer.userId ?? '00000000-0000-0000-0000-000000000000';
    // the campaigns of apps the viewer owns (directly or through a group)
    query = query.where('app_id', 'in', (eb) =>
      eb.selectFrom('app_owners').select('app_id').where((o) => o.or([o('user_id', '=', userId), o('group_id', 'in', o.selectFrom('group_members').select('group_id').where('user_id', '=', userId))])),
    );
  }
  return query.orderBy('created_at', 'desc').limit(limit).execute();
}

export function campaignDrafts(db: Db, campaignId: string) {
  return db.selectFrom('campaign_drafts').selectAll().where('campaign_id', '=', campaignId).orderBy('language').execute();
}

export async function updateDraft(db: Db, campaignId: string, language: CampaignLanguage, draft: { subject: string; body: string }): Promise<boolean> {
  const result = await db.updateTable('campaign_drafts').set({ subject: draft.subject, body: draft.body, edited: true, updated_at: new Date() }).where('campaign_id', '=', campaignId).where('language', '=', language).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Moves a campaign from one of `from` to `to` (with more columns); false when another change came first. */
export async function moveCampaign(db: Db, id: string, from: CampaignState[], to: CampaignState, set: { scheduled_at?: Date | null; started_at?: Date; finished_at?: Date } = {}): Promise<boolean> {
  const result = await db.updateTable('campaigns').set({ state: to, ...set, updated_at: new Date() }).where('id', '=', id).where('state', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Recipients still to mail (pending) or whose send a crash interrupted (sending), a batch at a time. */
export function unsentRecipients(db: Db, campaignId: string, after: string | null, limit: number) {
  let query = db.selectFrom('campaign_recipients').selectAll().where('campaign_id', '=', campaignId).where('state', 'in', ['pending', 'sending']);
  if (after) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

export type RecipientRow = Awaited<ReturnType<typeof unsentRecipients>>[number];

/** Claims a pending recipient for sending with its Message-ID (recorded before the mail leaves); false when someone else did. */
export async function claimRecipient(db: Db, id: string, messageId: string): Promise<boolean> {
  const result = await db.updateTable('campaign_recipients').set({ state: 'sending', message_id: messageId }).where('id', '=', id).where('state', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function finishRecipient(db: Db, id: string, outcome: { state: Extract<RecipientState, 'sent' | 'failed'>; error?: string }): Promise<void> {
  await db
    .updateTable('campaign_recipients')
    .set({ state: outcome.state, error: outcome.error ?? null, ...(outcome.state === 'sent' ? { sent_at: new Date() } : {}) })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .execute();
}

/** A bounce of mail sent before decision 0046 (legacy return path), on the recipient row: only a mail that left after `sentAfter` can bounce; a second DSN changes nothing. */
export function markBounced(db: Db, recipientId: string, sentAfter: Date, reason: string) {
  return db
    .updateTable('campaign_recipients')
    .set({ state: 'bounced', bounced_at: new Date(), bounce_reason: reason.slice(0, 300) })
    .where('id', '=', recipientId)
    .where('state', '=', 'sent')
    .where('sent_at', '>=', sentAfter)
    .returning(['campaign_id', 'org_id'])
    .executeTakeFirst();
}

/** Deliveries that "install now" queued, attributed to the campaign once. */
export async function attributeDeliveries(db: Db, campaignId: string, deliveryIds: string[]): Promise<void> {
  if (!deliveryIds.length) return;
  await db.insertInto('campaign_deliveries').values(deliveryIds.map((deliveryId) => ({ delivery_id: deliveryId, campaign_id: campaignId }))).onConflict((oc) => oc.column('delivery_id').doNothing()).execute();
}

/**
 * Each recipient with the delivery record of its mail (outgoing_mail, matched by the mail's Message-ID and
 * address): a DSN marks that record bounced, so a recipient counts as bounced from it. Mail sent before
 * decision 0046 has no such record; its bounces were written on the recipient row, which still counts.
 */
function recipientsWithDelivery(db: Db, campaignId: string) {
  return db
    .selectFrom('campaign_recipients as cr')
    .leftJoin('outgoing_mail as om', (join) => join.onRef('om.message_id', '=', 'cr.message_id').onRef('om.org_id', '=', 'cr.org_id'))
    .leftJoin('outgoing_mail_recipients as omr', (join) => join.onRef('omr.mail_id', '=', 'om.id').on(sql`omr.address = lower(cr.email)`))
    .where('cr.campaign_id', '=', campaignId);
}

const effectiveState = sql<RecipientState>`case when omr.state = 'bounced' then 'bounced' else cr.state end`;

/** Recipients' counts by state (bounced from the delivery records) and language. */
export function recipientCounts(db: Db, campaignId: string) {
  return recipientsWithDelivery(db, campaignId)
    .select([effectiveState.as('state'), 'cr.language', sql<number>`count(*)::int`.as('count')])
    .groupBy([effectiveState, 'cr.language'])
    .execute();
}

/** When each mail left and each bounce arrived (the DSN's time on the delivery record). */
export function recipientTimes(db: Db, campaignId: string) {
  return recipientsWithDelivery(db, campaignId)
    .select(['cr.sent_at', sql<Date | null>`case when omr.state = 'bounced' then omr.updated_at else cr.bounced_at end`.as('bounced_at')])
    .where('cr.sent_at', 'is not', null)
    .execute();
}

/** The campaign recipient a mail with this Message-ID went to (a DSN about it changes the campaign's counts). */
export function campaignOfMessage(db: Db, orgId: string, messageId: string) {
  return db.selectFrom('campaign_recipients').select(['campaign_id', 'id']).where('org_id', '=', orgId).where('message_id', '=', messageId).executeTakeFirst();
}

/**
 * Installs the campaign caused: for each delivery it queued, the deployment of that version on that
 * agent, with the first time it was installed (deploying or later) and first healthy after the delivery.
 */
export function attributedInstalls(db: Db, campaignId: string) {
  return db
    .selectFrom('campaign_deliveries')
    .innerJoin('deliveries', 'deliveries.id', 'campaign_deliveries.delivery_id')
    .innerJoin('app_versions', 'app_versions.id', 'deliveries.version_id')
    .innerJoin('apps', 'apps.id', 'deliveries.app_id')
    .innerJoin('deployments', (join) => join.onRef('deployments.agent_id', '=', 'deliveries.agent_id').onRef('deployments.app', '=', 'apps.name').onRef('deployments.version', '=', 'app_versions.version').onRef('deployments.org_id', '=', 'deliveries.org_id'))
    .select((eb) => [
      'deployments.id',
      eb
        .selectFrom('deployment_events')
        .select((e) => e.fn.min('deployment_events.at').as('at'))
        .whereRef('deployment_events.deployment_id', '=', 'deployments.id')
        .where('deployment_events.state', 'in', ['deploying', 'healthy', 'unhealthy'])
        .whereRef('deployment_events.at', '>=', 'deliveries.created_at')
        .as('installed_at'),
      eb
        .selectFrom('deployment_events')
        .select((e) => e.fn.min('deployment_events.at').as('at'))
        .whereRef('deployment_events.deployment_id', '=', 'deployments.id')
        .where('deployment_events.state', '=', 'healthy')
        .whereRef('deployment_events.at', '>=', 'deliveries.created_at')
        .as('healthy_at'),
    ])
    .where('campaign_deliveries.campaign_id', '=', campaignId)
    .execute();
}

/** Open campaigns whose install now reached this agent with this app: their progress changes with its report. */
export async function campaignsOfAgentApp(db: Db, orgId: string, agentId: string, appId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('campaign_deliveries')
    .innerJoin('deliveries', 'deliveries.id', 'campaign_deliveries.delivery_id')
    .select('campaign_deliveries.campaign_id')
    .distinct()
    .where('deliveries.org_id', '=', orgId)
    .where('deliveries.agent_id', '=', agentId)
    .where('deliveries.app_id', '=', appId)
    .execute();
  return rows.map((row) => row.campaign_id);
}
