import type { JobDefinition } from '@marketplace/db';
import { pipelineJobs } from '../modules/pipeline/pipeline-jobs.js';
import type { PipelineServices } from '../modules/pipeline/pipeline-services.js';
import { sendReleaseJob } from '../modules/distribution/send-release-job.js';
import { webhookDeliveryJob } from '../modules/webhooks/webhook-delivery-job.js';
import { sendCampaignJob } from '../modules/campaigns/send-campaign-job.js';
import { gitExportJob } from '../modules/git-export/git-export-job.js';
import { gitPushJob } from '../modules/git-export/git-push-job.js';

/**
 * Every background job of the server, registered here. Each is idempotent: after a crash a job may
 * run again, and must then find its work done rather than do it twice.
 */
export function jobDefinitions(services: PipelineServices): JobDefinition<any>[] {
  const { db, config, queue, logger } = services;
  return [...pipelineJobs(services), sendReleaseJob(services), webhookDeliveryJob({ db, config, queue, logger }), gitExportJob(services), gitPushJob({ db, config, logger }), sendCampaignJob({ db, config, queue, events: services.events, logger })];
}
