import MailComposer from 'nodemailer/lib/mail-composer';
import { defineJob, type JobDefinition, type JobQueue } from '@marketplace/db';
import type { MailSender } from '@marketplace/mail';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { createAgentsService } from '../agents/agents-repository.js';
import { queueDeliveries } from '../distribution/queue-deliveries.js';
import type { EventBus } from '../events/event-bus.js';
import { hubHasMessage } from '../mail-intake/hub-messages.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { fromMailbox, mailSenderFor } from '../mail-intake/mail-sender.js';
import { sendOutgoingMail } from '../outgoing-mail/send-outgoing-mail.js';
import { blockedDraft } from './campaign-compliance.js';
import { campaignMessageId } from './campaign-mail-address.js';
import { publishCampaign } from './campaign-results.js';
import { attributeDeliveries, campaignDrafts, claimRecipient, finishRecipient, findCampaign, moveCampaign, unsentRecipients, type CampaignRow, type RecipientRow } from './campaigns-repository.js';

export const SEND_CAMPAIGN_JOB = 'campaigns.send';
const BATCH = 100;
/** Progress is published at most this often while mails go out. */
const PROGRESS_EVERY_MS = 1000;

export interface CampaignJobServices {
  db: Db;
  config: Config;
  queue: JobQueue;
  events: EventBus;
  logger: Logger;
}

type Drafts = Map<string, { subject: string; body: string }>;
class TemporaryFailure extends Error {}

/**
 * Sends a scheduled campaign: one mail per recipient, then (install now) the release to the
 * recipients' enrolled agents. Safe to run again: each recipient is claimed with its Message-ID
 * before its mail leaves; a claim a crash left behind is settled by asking the hub for that
 * Message-ID (found: sent; not found: sent now). With a relay nobody can tell, so such a recipient
 * is marked failed (SEND_INTERRUPTED) rather than risk mailing them twice.
 */
export function sendCampaignJob(services: CampaignJobServices): JobDefinition<{ orgId: string; campaignId: string; scheduledAt: string }> {
  return defineJob({
    name: SEND_CAMPAIGN_JOB,
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 4 * 3600,
    heartbeatSeconds: 60,
    async handler(data) {
      const { db, config, events } = services;
      const campaign = await findCampaign(db, data.orgId, data.campaignId);
      if (!campaign) return { skipped: 'campaign deleted' };
      if (campaign.state === 'scheduled') {
        // a job of an earlier schedule finds the campaign rescheduled
        if (!campaign.scheduled_at || new Date(campaign.scheduled_at).toISOString() !== data.scheduledAt) return { skipped: 'rescheduled' };
        if (!(await moveCampaign(db, campaign.id, ['scheduled'], 'sending', { started_at: new Date() }))) return { skipped: 'changed meanwhile' };
        await publishCampaign(db, events, campaign.id);
      } else if (campaign.state !== 'sending') return { skipped: campaign.state };
      const rows = await campaignDrafts(db, campaign.id);
      // a draft edited after scheduling is checked again: nothing leaves that the compliance check blocks,
      // and the campaign goes back to draft for its owner to edit (nobody was mailed yet)
      const blocked = await blockedDraft({ db, publicUrl: config.publicUrl }, campaign.org_id, rows);
      if (blocked && campaign.state === 'scheduled') {
        await moveCampaign(db, campaign.id, ['sending'], 'draft', { scheduled_at: null });
        await publishCampaign(db, events, campaign.id);
        services.logger.warn({ campaignId: campaign.id, language: blocked.language, code: blocked.verdict.code }, 'campaign not sent: a draft fails the compliance check');
        return { blocked: blocked.verdict.code, language: blocked.language };
      }
      const drafts: Drafts = new Map(rows.map((d) => [d.language, d]));
      const sender = mailSenderFor(config);
      if (!sender) throw new Error('no outgoing mail: set SMTP_HOST, or a fixed SMTP_LISTEN_PORT for the embedded mail hub');
      try {
        await sendAll(services, campaign, drafts, sender);
      } finally {
        sender.close();
      }
      if (campaign.install_now) await installNow(services, (await findCampaign(db, data.orgId, campaign.id))!);
      await moveCampaign(db, campaign.id, ['sending'], 'sent', { finished_at: new Date() });
      await publishCampaign(db, events, campaign.id);
      return { sent: true };
    },
  });
}

async function sendAll(services: CampaignJobServices, campaign: CampaignRow, drafts: Drafts, sender: MailSender): Promise<void> {
  const { db, events } = services;
  let published = Date.now();
  let after: string | null = null;
  for (;;) {
    const batch = await unsentRecipients(db, campaign.id, after, BATCH);
    if (!batch.length) return;
    for (const recipient of batch) {
      after = recipient.id;
      await sendOne(services, campaign, drafts, sender, recipient);
      if (Date.now() - published >= PROGRESS_EVERY_MS) {
        published = Date.now();
        await publishCampaign(db, events, campaign.id);
      }
    }
  }
}

async function sendOne(services: CampaignJobServices, campaign: CampaignRow, drafts: Drafts, sender: MailSender, recipient: RecipientRow): Promise<void> {
  const { db, config } = services;
  const messageId = recipient.message_id ?? campaignMessageId(config.smtp.from, recipient.id);
  if (recipient.state === 'sending') {
    if (config.smtp.host) return finishRecipient(db, recipient.id, { state: 'failed', error: 'SEND_INTERRUPTED: a restart interrupted sending through the relay; not sent again so nobody gets it twice' });
    if (await hubHasMessage(db, recipient.email, messageId)) return finishRecipient(db, recipient.id, { state: 'sent' });
  } else if (!(await claimRecipient(db, recipient.id, messageId))) return;
  const draft = drafts.get(recipient.language) ?? drafts.values().next().value!;
  const text = `${draft.body.trim()}\n`;
  const raw = await new MailComposer({
    from: fromMailbox(config.smtp.from),
    to: recipient.email,
    subject: draft.subject,
    text,
    messageId,
    headers: { 'Content-Language': recipient.language, 'X-Marketplace-Campaign': campaign.id, Precedence: 'bulk' },
  })
    .compile()
    .build();
  // through outgoing mail like every other mail: the compliance check, a delivery record per recipient
  // (SMTP answer, then any DSN to its signed return path), shown in Admin → Outgoing mail
  const outgoing = await sendOutgoingMail({ db, publicUrl: config.publicUrl, sender, logger: services.logger }, { orgId: campaign.org_id, kind: 'announcement', language: recipient.language, from: serverAddress(config.smtp.from), to: recipient.email, raw, messageId, subject: draft.subject, text });
  if (outgoing.blocked) return finishRecipient(db, recipient.id, { state: 'failed', error: `BLOCKED ${outgoing.blocked.code}: ${outgoing.blocked.message}`.slice(0, 300) });
  const result = outgoing.result;
  if (result.ok && result.rejected.length === 0) return finishRecipient(db, recipient.id, { state: 'sent' });
  const reason = result.ok ? `${result.rejected[0]!.responseCode ?? ''} ${result.rejected[0]!.response ?? 'recipient refused'}`.trim() : `${result.responseCode ?? result.code}: ${result.response ?? result.message}`;
  const retryable = result.ok ? result.rejected[0]!.retryable : result.retryable;
  if (!retryable) return finishRecipient(db, recipient.id, { state: 'failed', error: reason.slice(0, 300) });
  // the server answered (4xx or no connection): the mail did not leave, so it is pending again for the job's retry
  await db.updateTable('campaign_recipients').set({ state: 'pending', error: reason.slice(0, 300) }).where('id', '=', recipient.id).where('state', '=', 'sending').execute();
  throw new TemporaryFailure(`temporary mail failure, the campaign continues on retry: ${reason}`);
}

/**
 * Install now: the campaign's version to every recipient's enrolled agents, through distribution (one
 * delivery per agent). Deliveries it queued (or that a run before a crash queued, since it started)
 * are the campaign's: installs and health are counted through them.
 */
async function installNow(services: CampaignJobServices, campaign: CampaignRow): Promise<void> {
  const { db } = services;
  const users = await db.selectFrom('campaign_recipients').select('user_id').where('campaign_id', '=', campaign.id).execute();
  const recipients = await createAgentsService(db).recipients(campaign.org_id, { userIds: users.map((u) => u.user_id) });
  if (!recipients.length) return;
  const deliveries = await queueDeliveries(db, services.queue, services.events, { orgId: campaign.org_id, appId: campaign.app_id, versionId: campaign.version_id, recipients, requestedBy: campaign.created_by, resendUnstarted: true });
  const since = new Date(campaign.started_at ?? campaign.created_at).getTime();
  await attributeDeliveries(db, campaign.id, deliveries.filter((d) => !d.existing || new Date(d.created_at).getTime() >= since).map((d) => d.id));
}
