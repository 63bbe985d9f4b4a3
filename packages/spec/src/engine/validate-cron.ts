import { CronPattern } from 'croner';

export type CronCheck = { ok: true } | { ok: false; reason: string };

const FIVE_FIELDS = /^\S+ \S+ \S+ \S+ \S+$/;
/** Only the portable cron syntax every scheduler understands: numbers, *, /, -, commas. */
const PORTABLE = /^[\d*/,-]+$/;

/** Check a five-field cron expression with croner, and that it uses only portable syntax. */
export function validateCron(cron: string): CronCheck {
  if (typeof cron !== 'string' || !FIVE_FIELDS.test(cron)) {
    return { ok: false, reason: `"${String(cron).slice(0, 60)}" is not a five-field cron expression (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1"` };
  }
  if (!cron.split(' ').every((part) => PORTABLE.test(part))) {
    return { ok: false, reason: `"${cron}" uses syntax beyond numbers, "*", "/", "-" and ",", which not every scheduler understands` };
  }
  try {
    new CronPattern(cron, undefined, { mode: '5-part' });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `"${cron}" is not a valid cron expression: ${(error as Error).message}` };
  }
}
