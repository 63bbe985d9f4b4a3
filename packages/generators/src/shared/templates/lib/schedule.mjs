import { Cron } from 'croner';
import { log } from './log.mjs';

/**
 * Runs `task` on a cron schedule (five fields: minute hour day-of-month month day-of-week).
 * "off" disables the schedule. A run never overlaps the previous one.
 */
export function startSchedule(cron, timezone, task) {
  if (!cron || cron === 'off') return { next: () => null, stop: () => {} };
  const job = new Cron(cron, { timezone: timezone || undefined, protect: true }, async () => {
    try {
      await task();
    } catch (error) {
      log.error('scheduled run failed', { error: error.message });
    }
  });
  return { next: () => job.nextRun()?.toISOString() ?? null, stop: () => job.stop() };
}
