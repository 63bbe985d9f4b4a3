/** How often a schedule phrase says to run; turned into cron fields by compose-cron. */
export type Frequency =
  | 'minutes'
  | 'hours'
  | 'hourly'
  | 'daily'
  | 'twice-daily'
  | 'every-other-day'
  | 'weekly'
  | 'monthly'
  | 'day-of-month'
  | 'quarterly'
  | 'yearly'
  | 'unsupported';

export interface TimeOfDay {
  hour: number;
  minute: number;
}

export interface FrequencyRule {
  pattern: RegExp;
  frequency: Frequency;
  /** The number in the phrase: minutes or hours between runs, or the day of the month. */
  value?: (match: RegExpExecArray) => number | undefined;
}

export interface TimeRule {
  pattern: RegExp;
  read: (match: RegExpExecArray) => TimeOfDay | undefined;
}

export interface HourRangeRule {
  pattern: RegExp;
  read: (match: RegExpExecArray) => [number, number] | undefined;
}

/** Everything one language needs to read a schedule. Patterns run on folded text. */
export interface ScheduleRules {
  /** Checked in order; the first that matches decides the frequency. */
  frequencies: FrequencyRule[];
  hourRanges: HourRangeRule[];
  times: TimeRule[];
  /** Continues a time list right after a time: "at 9 and 17", "o 9 i 17". Sticky. */
  timeContinuation: RegExp;
  /** A parts-of-day phrase giving a default time ("every morning" → 8:00). */
  partsOfDay: { pattern: RegExp; time: TimeOfDay }[];
  /** A day name, capture 1 = the word; global. */
  dayName: RegExp;
  dayNumber: (word: string) => number | undefined;
  /** A plural day name alone says "every" ("Mondays", "w poniedziałki"). */
  pluralDay: RegExp;
  /** Text right before a day name that makes it a schedule day ("every", "w każdy", ","). */
  dayCue: RegExp;
  /** Text between two day names that makes a range ("to", "-", "do"). */
  dayRangeJoin: RegExp;
  weekdays: RegExp;
  weekends: RegExp;
  /** Verbs that make a lone time ("at 9am send…") a daily schedule. */
  runCue: RegExp;
}

/** 12-hour clock suffixes to a 24-hour hour; undefined when out of range. */
export function clockHour(hour: number, minute: number, suffix: string | undefined): TimeOfDay | undefined {
  let h = hour;
  const s = (suffix ?? '').replace(/[.\s]/g, '');
  if (s === 'pm' && h < 12) h += 12;
  if (s === 'am' && h === 12) h = 0;
  if (h > 23 || minute > 59 || (s && hour > 12)) return undefined;
  return { hour: h, minute };
}
