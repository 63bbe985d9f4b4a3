import type { KeyObject } from 'node:crypto';
import { defineJob, type JobDefinition } from '@marketplace/db';
import { buildReleaseEmail } from '@marketplace/mail';
import { fromMailbox, mailSenderFor, messageIdFor } from '../mail-intake/mail-sender.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { hubHasMessage } from '../mail-intake/hub-messages.js';
import { bundleFileName, releaseFileName, signDelivery } from '@marketplace/release';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { renderTemplate } from '../outgoing-mail/mail-templates.js';
import { mailLanguageFor } from '../outgoing-mail/mail-templates.js';
import { sendOutgoingMail } from '../outgoing-mail/send-outgoing-mail.js';
import { signDownloadLink } from './download-links.js';
import { pipelineWord, type MailLanguage } from '../../http/notice-sentence.js';
import { publishDelivery } from './delivery-events.js';
import type { EventBus } from '../events/event-bus.js';

export const SEND_RELEASE_JOB = 'distribution.send';

export interface DistributionServices {
  db: Db;
  config: Config;
  logger: Logger;
  events: EventBus;
  /** The organisation's current release key: it signs each delivery statement (module org-keys). */
  keys: { signingKey(orgId: string): Promise<{ keyId: string; privateKey: KeyObject }> };
}

/**
 * The statement that binds this delivery's release to the one agent it goes to. Its nonce is the
 * delivery id (one per version and agent; a retried send carries the same one), and it expires
 * with the organisation's download-link period (distribution.downloadLinkTtlHours, default 72 h):
 * an agent that reads its mail later than that refuses the release as DELIVERY_EXPIRED, and the
 * release must be distributed again.
 */
async function signDeliveryStatement(
  keys: DistributionServices['keys'],
  delivery: { id: string; org_id: string; agent_id: string },
  release: { app: string; version: string; sha256: string },
  settings: { ttlHours: number; readPaths: readonly string[]; reinstall: boolean },
) {
  const { keyId, privateKey } = await keys.signingKey(delivery.org_id);
  const issuedAt = new Date();
  return signDelivery(
    {
      org: delivery.org_id,
      recipient: { agentId: delivery.agent_id },
      app: release.app,
      version: release.version,
      bundleSha256: release.sha256,
      nonce: delivery.id,
      issuedAt: issuedAt.toISOString(),
      expiresAt: new Date(issuedAt.getTime() + settings.ttlHours * 3_600_000).toISOString(),
      keyId,
      // the workstation files the organisation lets apps read, signed with the delivery (policy.workstationReadPaths)
      ...(settings.readPaths.length ? { policy: { readPaths: [...settings.readPaths] } } : {}),
      // sent to this agent before (Redeploy, install after a removal or a failed send): installed even where it runs already
      ...(settings.reinstall ? { reinstall: true as const } : {}),
    },
    privateKey,
  );
}

class PermanentFailure extends Error {}

/**
 * After a crash mid-send: did the embedded hub already store this Message-ID for the recipient?
 * Asked of the database, where the hub records each message before answering 250, so a retry on
 * another worker or host sees it too. With a relay (SMTP_HOST) nobody can tell: send again.
 */
async function alreadyInHub(db: Db, config: Config, recipient: string, messageId: string): Promise<boolean> {
  if (config.smtp.host) return false;
  return hubHasMessage(db, recipient, messageId);
}

/**
 * Send one release e-mail to one agent mailbox. Idempotent: the Message-ID is recorded before the
 * first attempt and reused on every retry; a retry after a crash first checks whether the hub
 * already has that message. 4xx answers and connection trouble are retried with backoff; a 5xx is
 * recorded with the server's reply and not retried.
 */
export function sendReleaseJob(services: DistributionServices): JobDefinition<{ orgId: string; deliveryId: string }> {
  return defineJob({
    name: SEND_RELEASE_JOB,
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 300,
    async handler(data, context) {
      const { db, config } = services;
      const delivery = await db.selectFrom('deliveries').selectAll().where('id', '=', data.deliveryId).where('org_id', '=', data.orgId).executeTakeFirst();
      if (!delivery || delivery.state === 'sent' || delivery.state === 'failed') return { skipped: delivery?.state ?? 'unknown' };
      const announce = () => publishDelivery(db, services.events, delivery.id);
      const messageId = delivery.message_id ?? messageIdFor(config.smtp.from, `delivery-${delivery.id}`);
      if (delivery.state === 'sending' && (await alreadyInHub(db, config, delivery.recipient, messageId))) {
        await db.updateTable('deliveries').set({ state: 'sent', sent_at: new Date(), updated_at: new Date() }).where('id', '=', delivery.id).execute();
        await announce();
        return { sent: 'found in the hub after a restart' };
      }
      await db.updateTable('deliveries').set((eb) => ({ state: 'sending', message_id: messageId, attempts: eb('attempts', '+', 1), updated_at: new Date() })).where('id', '=', delivery.id).execute();
      if (delivery.state !== 'sending') await announce();

      const version = await db.selectFrom('app_versions').innerJoin('apps', 'apps.id', 'app_versions.app_id').innerJoin('organizations', 'organizations.id', 'app_versions.org_id')
        .select(['app_versions.id', 'app_versions.version', 'app_versions.release_json', 'app_versions.bundle_sha256', 'app_versions.bundle_size', 'app_versions.key_id', 'app_versions.changelog', 'app_versions.validation_report', 'app_versions.scan_report', 'apps.name', 'apps.title', 'apps.summary', 'organizations.slug'])
        .where('app_versions.id', '=', delivery.version_id).executeTakeFirstOrThrow();
      const settings = await getOrgSettings(db, data.orgId);
      const attach = version.bundle_size <= settings.distribution.maxAttachmentBytes;
      const bundle = attach ? (await db.selectFrom('app_version_bundles').select('bundle').where('version_id', '=', version.id).executeTakeFirstOrThrow()).bundle : undefined;
      const validation = version.validation_report as { ok?: boolean; steps?: { name: string; ok: boolean }[] };
      const scan = version.scan_report as { verdict?: string; scanners?: { name: string; verdict: string }[] };
      const earlier = await db.selectFrom('deliveries').select('id').where('version_id', '=', delivery.version_id).where('agent_id', '=', delivery.agent_id).where('id', '!=', delivery.id).where('created_at', '<=', delivery.created_at).limit(1).executeTakeFirst();
      const delivered = await signDeliveryStatement(services.keys, delivery, { app: version.name, version: version.version, sha256: version.bundle_sha256 }, { ttlHours: settings.distribution.downloadLinkTtlHours, readPaths: settings.policy.workstationReadPaths, reinstall: earlier !== undefined });
      // the agent's owner reads the mail: their own language when they chose one, else the organisation's
      const owner = await db.selectFrom('agents').select('user_id').where('id', '=', delivery.agent_id).where('org_id', '=', data.orgId).executeTakeFirst();
      const language = await mailLanguageFor(db, data.orgId, { to: { userId: owner?.user_id ?? null } });
      const wording = await renderTemplate({ db, config }, data.orgId, 'release', language, { title: version.title, version: version.version, app: version.name, org: version.slug, summary: version.summary || version.title });
      const downloadUrl = attach ? undefined : signDownloadLink(config.publicUrl, config.jwtSecret!, version.id, settings.distribution.downloadLinkTtlHours);
      const raw = await buildReleaseEmail({
        subject: wording.subject,
        intro: wording.text,
        language,
        from: fromMailbox(config.smtp.from),
        to: [delivery.recipient],
        org: version.slug,
        messageId,
        release: {
          app: version.name,
          version: version.version,
          title: version.title,
          summary: version.summary || version.title,
          ...(version.changelog ? { changelog: version.changelog } : {}),
          ...releaseChecksSummary(validation, scan, language),
          signerKeyId: version.key_id,
          bundleFileName: bundleFileName(version.name, version.version),
          ...(bundle ? { bundle: Buffer.from(bundle) } : {}),
          envelopeJson: version.release_json,
          envelopeFileName: releaseFileName(version.name, version.version),
          deliveryJson: delivered.json,
          deliveryFileName: delivered.fileName,
          sha256: version.bundle_sha256,
          size: version.bundle_size,
        },
        ...(downloadUrl ? { downloadUrl } : {}),
        maxAttachedBundleBytes: Math.max(settings.distribution.maxAttachmentBytes, 1),
      });
      const sender = mailSenderFor(config);
      if (!sender) throw new Error('no outgoing mail: set SMTP_HOST, or a fixed SMTP_LISTEN_PORT for the embedded mail hub');
      try {
        const readable = [wording.text, version.summary, version.changelog ?? '', downloadUrl ?? ''].join('\n');
        const outgoing = await sendOutgoingMail({ db, publicUrl: config.publicUrl, sender, logger: services.logger }, { orgId: data.orgId, kind: 'release', language, from: serverAddress(config.smtp.from), to: delivery.recipient, raw, messageId, subject: wording.subject, text: readable, linkText: `${wording.subject}\n${wording.text}\n${downloadUrl ?? ''}` });
        if (outgoing.blocked) throw new PermanentFailure(`blocked by the mail compliance check (${outgoing.blocked.code}): ${outgoing.blocked.message}`);
        const result = outgoing.result;
        if (result.ok && result.rejected.length === 0) {
          await db.updateTable('deliveries').set({ state: 'sent', sent_at: new Date(), error: null, updated_at: new Date() }).where('id', '=', delivery.id).execute();
          await announce();
          return { sent: result.response };
        }
        const reason = result.ok ? `${result.rejected[0]!.responseCode ?? ''} ${result.rejected[0]!.response ?? 'recipient refused'}`.trim() : `${result.responseCode ?? result.code}: ${result.response ?? result.message}`;
        const retryable = result.ok ? result.rejected[0]!.retryable : result.retryable;
        if (!retryable) throw new PermanentFailure(reason);
        await db.updateTable('deliveries').set({ error: reason, updated_at: new Date() }).where('id', '=', delivery.id).execute();
        throw new Error(`temporary mail failure, will retry: ${reason}`);
      } catch (error) {
        const final = error instanceof PermanentFailure || context.attempt > 5;
        if (final) {
          await db.updateTable('deliveries').set({ state: 'failed', error: (error as Error).message, updated_at: new Date() }).where('id', '=', delivery.id).execute();
          await announce();
          return { failed: (error as Error).message };
        }
        throw error;
      } finally {
        sender.close();
      }
    },
  });
}

/**
 * The release mail's check lines in the reader's language: the validation steps passed and each
 * scanner's verdict in words, as the app page says them (was the pipeline's own terms, `exercise`,
 * `clamav: clean`, in a Polish mail too).
 */
export function releaseChecksSummary(
  validation: { ok?: boolean; steps?: { name: string; ok: boolean }[] },
  scan: { verdict?: string; scanners?: { name: string; verdict: string }[] },
  language: MailLanguage,
): { validationSummary: string; scanSummary: string } {
  const pl = language === 'pl';
  const steps = (validation.steps ?? []).map((step) => pipelineWord('steps', step.name, language)).join(', ');
  const verdict = scan.verdict ? pipelineWord('scanVerdicts', scan.verdict, language) : pl ? 'nieznany' : 'unknown';
  const scanners = (scan.scanners ?? []).map((scanner) => `${pipelineWord('scanners', scanner.name, language)}: ${pipelineWord('scanVerdicts', scanner.verdict, language)}`).join('; ');
  return {
    validationSummary: validation.ok ? `${pl ? 'zaliczona' : 'passed'}${steps ? ` (${steps})` : ''}` : pl ? 'bez walidacji' : 'not validated',
    scanSummary: scanners ? `${verdict} — ${scanners}` : verdict,
  };
}
