import { defineJob, type JobDefinition } from '@marketplace/db';
import { GitExportError } from './git-export-error.js';
import { pushApp, type GitPushServices } from './git-push-service.js';

export const GIT_PUSH_JOB = 'git-export.push';

/**
 * Pushes an app's repository to the organisation's remote (and makes its GitLab project and Jira issues);
 * queued after each export job. A failure that can heal (network, timeout, server error) is thrown, so the
 * queue retries with backoff (30 s, doubling, 6 retries); one that cannot (refused credentials, wrong host
 * key, a rejected non-fast-forward) is recorded on the app and not retried — an admin must act.
 */
export function gitPushJob(services: GitPushServices): JobDefinition<{ orgId: string; appId: string }> {
  return defineJob({
    name: GIT_PUSH_JOB,
    retryLimit: 6,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: Math.ceil(services.config.gitPush.timeoutMs / 1000) + 180,
    async handler(data) {
      const outcome = await pushApp(services, data.orgId, data.appId).catch((error: unknown) => {
        if ((error as { code?: string }).code === 'GIT_REPOSITORY_NOT_FOUND') return { state: 'skipped' as const, reason: 'the app was deleted' };
        throw error;
      });
      if (outcome.state === 'failed' && outcome.retryable) throw new GitExportError('GIT_PUSH_FAILED', 502, outcome.message);
      return outcome.state === 'skipped' ? { skipped: outcome.reason } : outcome;
    },
  });
}
