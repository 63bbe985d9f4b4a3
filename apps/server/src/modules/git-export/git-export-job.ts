import { defineJob, type JobDefinition } from '@marketplace/db';
import { exportApp, type GitExportServices } from './git-export-service.js';

export const GIT_EXPORT_JOB = 'git-export.app';

/** Exports an app's published versions to its Git repository; queued when a version is published and when an admin asks again. */
export function gitExportJob(services: GitExportServices): JobDefinition<{ orgId: string; appId: string }> {
  return defineJob({
    name: GIT_EXPORT_JOB,
    retryLimit: 3,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 300,
    async handler(data) {
      const { added } = await exportApp(services, data.orgId, data.appId);
      return added.length ? { added } : { skipped: 'already exported' };
    },
  });
}
