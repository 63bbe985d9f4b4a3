import type { JobQueue } from '@marketplace/db';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { isAppOwner } from '../catalog/app-owners.js';
import type { EventBus } from '../events/event-bus.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { templatedAnnouncement } from './announcement-draft.js';
import { blockedDraft } from './campaign-compliance.js';
import { CampaignError } from './campaign-error.js';
import { publishCampaign } from './campaign-results.js';
import { audienceUsers, campaignDrafts, type CampaignRow, findAppForCampaign, findCampaign, insertCampaign, moveCampaign, updateDraft } from './campaigns-repository.js';
import { CAMPAIGN_LANGUAGES, type CampaignAudience, type CampaignLanguage } from './campaigns-tables.js';
import { SEND_CAMPAIGN_JOB } from './send-campaign-job.js';

/** One campaign mails at most this many people (a larger audience is several campaigns, or a group). */
export const MAX_RECIPIENTS = 5000;

export interface CampaignDeps {
  db: Db;
  config: Config;
  jobs: Pick<JobQueue, 'send'> | null;
  events: EventBus;
}

/** Campaigns of an app are for its owners (directly or through a group) and admins; anyone else sees 404 for the campaign, 403 for the app. */
export async function mayCampaign(db: Db, principal: Principal, appId: string): Promise<boolean> {
  if (hasRole(principal, 'admin')) return true;
  return !!principal.userId && (await isAppOwner(db, appId, principal.userId));
}

/** The campaign if the caller may manage it; 404 otherwise (never says another owner's campaign exists). */
export async function campaignFor(deps: Pick<CampaignDeps, 'db'>, principal: Principal, id: string): Promise<CampaignRow> {
  const campaign = await findCampaign(deps.db, principal.orgId, id);
  if (!campaign || !(await mayCampaign(deps.db, principal, campaign.app_id))) throw new CampaignError('CAMPAIGN_NOT_FOUND', `Campaign '${id}' was not found among the campaigns you manage.`);
  return campaign;
}

/**
 * A draft campaign: the audience resolved to active users now (the recipient list is what will be
 * mailed), each with their language (their own, else the organisation's mail language, else English),
 * and the built-in announcement in every language the recipients read.
 */
export async function createCampaign(deps: CampaignDeps, principal: Principal, input: { appId: string; audience: CampaignAudience; installNow: boolean }): Promise<CampaignRow> {
  const app = await findAppForCampaign(deps.db, principal.orgId, input.appId);
  if (!app) throw new CampaignError('CAMPAIGN_NOT_FOUND', `App '${input.appId}' was not found in your organization.`);
  if (!(await mayCampaign(deps.db, principal, app.id))) throw new CampaignError('APP_OWNER_REQUIRED', `Only the owners of ${app.title} (or an admin) may announce it.`);
  if (!app.version_id || !app.version) throw new CampaignError('NO_PUBLISHED_VERSION', `${app.title} has no published version yet; announce it once a version is published.`);
  const users = await audienceUsers(deps.db, principal.orgId, input.audience);
  const emails = [...new Set((input.audience.emails ?? []).map((address) => address.toLowerCase()))];
  const known = new Set(users.map((user) => user.email.toLowerCase()));
  const unknown = emails.filter((address) => !known.has(address));
  if (unknown.length) throw new CampaignError('UNKNOWN_RECIPIENTS', `These addresses are no active user of your organization: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}. Invite them first or remove them from the list.`, { unknown });
  if (!users.length) throw new CampaignError('NO_RECIPIENTS', 'The audience has no active user: choose groups with members, everyone, or some addresses.');
  if (users.length > MAX_RECIPIENTS) throw new CampaignError('TOO_MANY_RECIPIENTS', `The audience has ${users.length} people; one campaign mails at most ${MAX_RECIPIENTS}.`);
  const fallback = (await getOrgSettings(deps.db, principal.orgId)).mail.language;
  const recipients = users.map((user) => ({ userId: user.id, email: user.email, language: user.language ?? fallback }));
  const languages = CAMPAIGN_LANGUAGES.filter((language) => recipients.some((r) => r.language === language));
  const announced = { title: app.title, name: app.name, summary: app.summary, version: app.version, changelog: app.changelog, url: `${deps.config.publicUrl}/apps/${app.id}` };
  const drafts = await Promise.all(languages.map(async (language) => ({ language, ...(await templatedAnnouncement(deps, principal.orgId, announced, language)) })));
  const id = await insertCampaign(deps.db, { orgId: principal.orgId, appId: app.id, versionId: app.version_id, audience: input.audience, installNow: input.installNow, createdBy: principal.userId, drafts, recipients });
  return (await findCampaign(deps.db, principal.orgId, id))!;
}

/** The owner's words in place of a draft; only before sending starts. */
export async function editDraft(deps: CampaignDeps, principal: Principal, id: string, language: CampaignLanguage, draft: { subject: string; body: string }): Promise<CampaignRow> {
  const campaign = await campaignFor(deps, principal, id);
  if (campaign.state !== 'draft' && campaign.state !== 'scheduled') throw new CampaignError('CAMPAIGN_NOT_EDITABLE', `The campaign is ${campaign.state}; drafts change only before it is sent.`);
  if (!(await updateDraft(deps.db, id, language, draft))) throw new CampaignError('CAMPAIGN_NOT_FOUND', `The campaign has no ${language} draft: none of its recipients reads ${language}.`);
  return campaign;
}

/**
 * Sends at `at` (now when omitted or past): one durable job on the job queue, carrying the time it was
 * scheduled for, so a job of an earlier schedule (rescheduled or cancelled since) finds nothing to do.
 */
export async function scheduleCampaign(deps: CampaignDeps, principal: Principal, id: string, at: Date | undefined): Promise<CampaignRow> {
  const campaign = await campaignFor(deps, principal, id);
  if (!deps.jobs) throw new CampaignError('JOBS_UNAVAILABLE', 'The job queue is not running in this process; start the server with --role all or api.');
  if (campaign.state !== 'draft' && campaign.state !== 'scheduled') throw new CampaignError('CAMPAIGN_NOT_EDITABLE', `The campaign is ${campaign.state}; only a draft or scheduled campaign can be scheduled.`);
  if (campaign.install_now && (await getOrgSettings(deps.db, principal.orgId)).policy.distributeToOthers) {
    throw new CampaignError('INSTALL_NEEDS_APPROVAL', 'Your organisation’s policy holds releases sent to other people’s agents for a reviewer: schedule the campaign without install now, and distribute the version from the app page.');
  }
  const blocked = await blockedDraft({ db: deps.db, publicUrl: deps.config.publicUrl }, principal.orgId, await campaignDrafts(deps.db, id));
  if (blocked) throw new CampaignError('CAMPAIGN_BLOCKED', `The ${blocked.language} draft cannot be sent: ${blocked.verdict.message} Edit the draft and schedule again.`, { language: blocked.language, notice: blocked.verdict.notice });
  const when = at && at.getTime() > Date.now() ? at : new Date();
  if (!(await moveCampaign(deps.db, id, ['draft', 'scheduled'], 'scheduled', { scheduled_at: when }))) throw new CampaignError('CAMPAIGN_NOT_EDITABLE', 'The campaign changed meanwhile; reload it.');
  await deps.jobs.send(SEND_CAMPAIGN_JOB, { orgId: principal.orgId, campaignId: id, scheduledAt: when.toISOString() }, when.getTime() > Date.now() + 1000 ? { startAfter: when } : {});
  await publishCampaign(deps.db, deps.events, id);
  return (await findCampaign(deps.db, principal.orgId, id))!;
}

/** Cancels a campaign that has not started sending; its job then finds it cancelled and does nothing. */
export async function cancelCampaign(deps: CampaignDeps, principal: Principal, id: string): Promise<CampaignRow> {
  await campaignFor(deps, principal, id);
  if (!(await moveCampaign(deps.db, id, ['draft', 'scheduled'], 'cancelled', { scheduled_at: null }))) throw new CampaignError('CAMPAIGN_NOT_EDITABLE', 'The campaign has started sending (or ended); it can no longer be cancelled.');
  await publishCampaign(deps.db, deps.events, id);
  return (await findCampaign(deps.db, principal.orgId, id))!;
}
