import { Cron } from 'croner';
import type { AppSpec } from '@marketplace/spec';
import { GeneratorError } from './errors.js';

/** Refuses a schedule the app could not run: a cron expression or time zone the cron library rejects. */
export function checkSchedule(schedule: AppSpec['schedule']): void {
  if (!schedule) return;
  if (schedule.timezone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: schedule.timezone });
    } catch {
      throw new GeneratorError('INVALID_SCHEDULE', `schedule.timezone ${JSON.stringify(schedule.timezone)} is not a time zone; use an IANA name such as "Europe/Paris" or leave it out.`);
    }
  }
  try {
    const job = new Cron(schedule.cron, { paused: true, ...(schedule.timezone ? { timezone: schedule.timezone } : {}) });
    job.stop();
  } catch (error) {
    throw new GeneratorError('INVALID_SCHEDULE', `schedule.cron ${JSON.stringify(schedule.cron)} is not a cron expression the app can run (${(error as Error).message}); use five fields such as "0 7 * * 1" (07:00 every Monday).`, { cause: error });
  }
}
