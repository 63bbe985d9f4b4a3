import { defineJob, type JobDefinition, type JobQueue } from '@marketplace/db';
import { exportApp, type GitExportServices } from './git-export-service.js';
import { GIT_PUSH_JOB } from './git-push-job.js';
import { isPushConfigured } from './git-push-service.js';

export const GIT_EXPORT_JOB = 'git-export.app';

/**
 * Exports an app's published versions to its Git repository; queued when a version is published and when
 * an admin asks again. When the organisation has a remote, GitLab or Jira configured, the push job follows.
 */
export function gitExportJob(services: GitExportServices & { queue?: JobQueue }): JobDefinition<{ orgId: string; appId: string }> {
  return defineJob({
    name: GIT_EXPORT_JOB,
    retryLimit: 3,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 300,
    async handler(data) {
      const { added } = await exportApp(services, data.orgId, data.appId);
      const pushQueued = Boolean(services.queue && (await isPushConfigured(services.db, data.orgId)) && (await services.queue.send(GIT_PUSH_JOB, { orgId: data.orgId, appId: data.appId })));
      const queued = pushQueued ? { pushQueued } : {};
      return added.length ? { added, ...queued } : { skipped: 'already exported', ...queued };
    },
  });
}
