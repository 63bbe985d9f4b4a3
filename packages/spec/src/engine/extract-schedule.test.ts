import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { extractSchedule } from './extract-schedule.js';
import { fold } from './prepare-text.js';
import { validateCron } from './validate-cron.js';

function cronOf(text: string, language: 'en' | 'pl', expectSchedule = false) {
  return extractSchedule(text, fold(text), language, expectSchedule);
}

const PHRASES: [string, 'en' | 'pl', string][] = [
  ['every Monday at 9am', 'en', '0 9 * * 1'],
  ['every 15 minutes', 'en', '*/15 * * * *'],
  ['every minute', 'en', '* * * * *'],
  ['every hour', 'en', '0 * * * *'],
  ['hourly', 'en', '0 * * * *'],
  ['every 6 hours', 'en', '0 */6 * * *'],
  ['every six hours', 'en', '0 */6 * * *'],
  ['daily at 14:30', 'en', '30 14 * * *'],
  ['nightly at 2am', 'en', '0 2 * * *'],
  ['nightly', 'en', '0 2 * * *'],
  ['every morning', 'en', '0 8 * * *'],
  ['weekdays at 7:45', 'en', '45 7 * * 1-5'],
  ['Monday to Friday at 8 pm', 'en', '0 20 * * 1-5'],
  ['on Mondays and Thursdays at 10:30', 'en', '30 10 * * 1,4'],
  ['every weekend at noon', 'en', '0 12 * * 0,6'],
  ['weekly', 'en', '0 9 * * 1'],
  ['weekly on Friday at 17:00', 'en', '0 17 * * 5'],
  ['first day of every month at 8:00', 'en', '0 8 1 * *'],
  ['on the 15th of each month at 10am', 'en', '0 10 15 * *'],
  ['monthly', 'en', '0 9 1 * *'],
  ['quarterly', 'en', '0 9 1 1,4,7,10 *'],
  ['yearly at midnight', 'en', '0 0 1 1 *'],
  ['every other day at 6', 'en', '0 6 */2 * *'],
  ['twice a day', 'en', '0 9,17 * * *'],
  ['every day at 9 and 17', 'en', '0 9,17 * * *'],
  ['every 15 minutes on weekdays between 8 and 18', 'en', '*/15 8-17 * * 1-5'],
  ['every hour during business hours', 'en', '0 9-17 * * *'],
  ['every 120 minutes', 'en', '0 */2 * * *'],
  ['co 15 minut', 'pl', '*/15 * * * *'],
  ['co pięć minut', 'pl', '*/5 * * * *'],
  ['co kwadrans', 'pl', '*/15 * * * *'],
  ['co pół godziny', 'pl', '*/30 * * * *'],
  ['co godzinę', 'pl', '0 * * * *'],
  ['co 2 godziny w godzinach 8-16', 'pl', '0 8-16/2 * * *'],
  ['codziennie o 6:30', 'pl', '30 6 * * *'],
  ['codziennie o 8 wieczorem', 'pl', '0 20 * * *'],
  ['w każdy piątek o 16', 'pl', '0 16 * * 5'],
  ['w poniedziałki i środy o 9:15', 'pl', '15 9 * * 1,3'],
  ['od poniedziałku do piątku o godz. 8:15', 'pl', '15 8 * * 1-5'],
  ['w dni robocze o 7:45', 'pl', '45 7 * * 1-5'],
  ['raz w tygodniu', 'pl', '0 9 * * 1'],
  ['co tydzień w czwartek o 11', 'pl', '0 11 * * 4'],
  ['pierwszego dnia każdego miesiąca o 8:00', 'pl', '0 8 1 * *'],
  ['15. dnia każdego miesiąca o 10', 'pl', '0 10 15 * *'],
  ['co miesiąc', 'pl', '0 9 1 * *'],
  ['co kwartał', 'pl', '0 9 1 1,4,7,10 *'],
  ['raz w roku', 'pl', '0 9 1 1 *'],
  ['co noc o 2:00', 'pl', '0 2 * * *'],
  ['dwa razy dziennie o 8 i 20', 'pl', '0 8,20 * * *'],
];

describe('schedule phrases to cron', () => {
  it.each(PHRASES)('"%s" (%s) → %s', (text, language, cron) => {
    const found = cronOf(text, language);
    expect(found.cron).toBe(cron);
    expect(validateCron(found.cron!)).toEqual({ ok: true });
  });

  it('runs when the words say: croner agrees on the next run of "every Monday at 9am"', () => {
    const found = cronOf('every Monday at 9am', 'en');
    const next = new Cron(found.cron!, { timezone: 'UTC' }).nextRun(new Date('2025-01-01T12:00:00Z'));
    expect(next?.toISOString()).toBe('2025-01-06T09:00:00.000Z');
  });

  it('reads named time zones and rejects unknown ones', () => {
    expect(cronOf('every day at 7 Europe/Warsaw', 'en').timezone).toBe('Europe/Warsaw');
    expect(cronOf('daily at 7 CET', 'en').timezone).toBe('CET');
    expect(cronOf('codziennie o 7 czasu polskiego', 'pl').timezone).toBe('Europe/Warsaw');
    expect(cronOf('every day at 7 America/New_York', 'en').timezone).toBe('America/New_York');
    expect(cronOf('every day at 7 Europe/Atlantis', 'en').timezone).toBeUndefined();
  });

  it('names what it cannot express instead of guessing', () => {
    for (const [text, language, phrase] of [
      ['Every two weeks', 'en', 'Every two weeks'],
      ['biweekly', 'en', 'biweekly'],
      ['on the last day of the month', 'en', 'last day of'],
      ['every 90 minutes', 'en', 'every 90 minutes'],
      ['co dwa tygodnie', 'pl', 'co dwa tygodnie'],
      ['ostatniego dnia miesiąca', 'pl', 'ostatniego dnia miesiąca'],
    ] as const) {
      const found = cronOf(text, language);
      expect(found.cron, text).toBeUndefined();
      expect(found.unsupported, text).toBe(phrase);
    }
  });

  it('does not read a schedule into text that has none', () => {
    for (const text of ['A form with name and email', 'a dashboard of 24/7 support tickets', 'tracks 15 minutes of fame', 'meeting room on the 3rd floor']) {
      expect(cronOf(text, 'en').cron, text).toBeUndefined();
    }
  });

  it('accepts a bare day and time when the conversation asked for a schedule', () => {
    expect(cronOf('Friday', 'en').cron).toBeUndefined();
    expect(cronOf('Friday', 'en', true).cron).toBe('0 9 * * 5');
    expect(cronOf('8:15', 'en').cron).toBeUndefined();
    expect(cronOf('8:15', 'en', true).cron).toBe('15 8 * * *');
    expect(cronOf('piątek 7:30', 'pl', true).cron).toBe('30 7 * * 5');
  });
});

describe('validateCron', () => {
  it('accepts five portable fields and explains what is wrong otherwise', () => {
    expect(validateCron('0 9 * * 1-5')).toEqual({ ok: true });
    expect(validateCron('61 * * * *')).toMatchObject({ ok: false, reason: expect.stringContaining('minute') });
    expect(validateCron('* * *')).toMatchObject({ ok: false, reason: expect.stringContaining('five-field') });
    expect(validateCron('0 0 L * *')).toMatchObject({ ok: false, reason: expect.stringContaining('syntax') });
  });
});
