import type { Language } from './detect-language.js';
import type { Span } from './extract-locations.js';
import { maskSpans } from './prepare-text.js';
import type { Frequency, ScheduleRules, TimeOfDay } from './rules/schedule-rule-types.js';
import { clockHour } from './rules/schedule-rule-types.js';
import { SCHEDULE_RULES_EN } from './rules/schedule-rules-en.js';
import { SCHEDULE_RULES_PL } from './rules/schedule-rules-pl.js';
import { IANA_ZONE, ZONE_ABBREVIATIONS, ZONE_PHRASES } from './rules/timezone-rules.js';
import { validateCron } from './validate-cron.js';

const RULES: Record<Language, ScheduleRules> = { en: SCHEDULE_RULES_EN, pl: SCHEDULE_RULES_PL };
const DEFAULT_TIME: TimeOfDay = { hour: 9, minute: 0 };

export interface ScheduleFindings {
  /** A valid five-field cron, when the text named a schedule we can express. */
  cron?: string;
  timezone?: string;
  /** The phrase we recognised as a schedule but cannot express in cron ("every two weeks"). */
  unsupported?: string;
  /** Where schedule phrases are, so titles can leave them out. */
  spans: Span[];
}

interface Reading {
  frequency?: { kind: Frequency; value: number | undefined; phrase: string };
  hourRange?: [number, number];
  times: TimeOfDay[];
  partOfDay?: TimeOfDay;
  days: number[];
  runCue: boolean;
  spans: Span[];
}

/**
 * Read a schedule from natural language into cron. `expectSchedule` is set when the conversation
 * just asked for one, so a bare "Friday 8am" counts.
 */
export function extractSchedule(original: string, folded: string, language: Language, expectSchedule = false): ScheduleFindings {
  const timezone = extractTimezone(original, folded);
  const order: Language[] = language === 'pl' ? ['pl', 'en'] : ['en', 'pl'];
  for (const lang of order) {
    const reading = read(original, folded, RULES[lang], expectSchedule);
    const result = compose(reading, expectSchedule);
    if (result) return { ...result, ...(timezone ? { timezone } : {}), spans: reading.spans };
  }
  return { ...(timezone ? { timezone } : {}), spans: [] };
}

function read(original: string, folded: string, rules: ScheduleRules, expectSchedule: boolean): Reading {
  const spans: Span[] = [];
  const reading: Reading = { times: [], days: [], runCue: rules.runCue.test(folded), spans };
  let text = folded;
  const take = (start: number, end: number): void => {
    spans.push({ start, end });
    text = maskSpans(text, [{ start, end }]);
  };

  for (const rule of rules.frequencies) {
    const match = rule.pattern.exec(text);
    if (!match) continue;
    reading.frequency = { kind: rule.frequency, value: rule.value?.(match), phrase: original.slice(match.index, match.index + match[0].length) };
    take(match.index, match.index + match[0].length);
    break;
  }
  for (const rule of rules.hourRanges) {
    const match = rule.pattern.exec(text);
    const range = match ? rule.read(match) : undefined;
    if (match && range) {
      reading.hourRange = range;
      take(match.index, match.index + match[0].length);
      break;
    }
  }
  for (const rule of rules.times) {
    const match = rule.pattern.exec(text);
    const time = match ? rule.read(match) : undefined;
    if (!match || !time) continue;
    reading.times.push(time);
    let end = match.index + match[0].length;
    rules.timeContinuation.lastIndex = end;
    for (let next = rules.timeContinuation.exec(text); next; next = rules.timeContinuation.exec(text)) {
      const extra = clockHour(Number(next[1]), Number(next[2] ?? time.minute), next[3]);
      if (!extra) break;
      reading.times.push(extra);
      end = next.index + next[0].length;
      rules.timeContinuation.lastIndex = end;
    }
    take(match.index, end);
    break;
  }
  for (const part of rules.partsOfDay) {
    const match = part.pattern.exec(folded);
    if (match) {
      reading.partOfDay = part.time;
      spans.push({ start: match.index, end: match.index + match[0].length });
      break;
    }
  }
  readDays(text, rules, reading, expectSchedule || reading.times.length > 0 || reading.frequency !== undefined);
  return reading;
}

function readDays(text: string, rules: ScheduleRules, reading: Reading, loose: boolean): void {
  const weekdays = rules.weekdays.exec(text);
  if (weekdays) {
    reading.days = [1, 2, 3, 4, 5];
    reading.spans.push({ start: weekdays.index, end: weekdays.index + weekdays[0].length });
    return;
  }
  const weekends = rules.weekends.exec(text);
  if (weekends) {
    reading.days = [0, 6];
    reading.spans.push({ start: weekends.index, end: weekends.index + weekends[0].length });
    return;
  }
  const found: { day: number; start: number; wordStart: number; end: number }[] = [];
  for (const match of text.matchAll(rules.dayName)) {
    const word = match[1]!;
    const day = rules.dayNumber(word);
    if (day === undefined) continue;
    const before = text.slice(Math.max(0, match.index - 16), match.index);
    const cue = rules.dayCue.exec(before);
    const counts = loose || rules.pluralDay.test(match[0]) || cue !== null;
    const start = cue ? match.index - (before.length - cue.index) : match.index;
    if (counts) found.push({ day, start, wordStart: match.index, end: match.index + match[0].length });
  }
  const days = new Set<number>();
  for (let i = 0; i < found.length; i++) {
    const current = found[i]!;
    const next = found[i + 1];
    if (next && rules.dayRangeJoin.test(text.slice(current.end, next.wordStart))) {
      for (let d = current.day; d !== next.day; d = (d + 1) % 7) days.add(d);
      days.add(next.day);
      i++;
    } else days.add(current.day);
  }
  for (const f of found) reading.spans.push({ start: f.start, end: f.end });
  reading.days = [...days].sort((a, b) => a - b);
}

function dayField(days: number[]): string {
  if (days.length === 0) return '*';
  const sorted = [...days].sort((a, b) => a - b);
  const contiguous = sorted.length > 2 && sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  return contiguous ? `${sorted[0]}-${sorted[sorted.length - 1]}` : sorted.join(',');
}

function timeFields(reading: Reading, fallback: TimeOfDay = DEFAULT_TIME): { minute: string; hour: string } {
  const times = reading.times.length > 0 ? reading.times : [reading.partOfDay ?? fallback];
  const first = times[0]!;
  const sameMinute = times.filter((t) => t.minute === first.minute).map((t) => t.hour);
  const hours = [...new Set(sameMinute)].sort((a, b) => a - b);
  return { minute: String(first.minute), hour: hours.join(',') };
}

function compose(reading: Reading, expectSchedule: boolean): { cron?: string; unsupported?: string } | undefined {
  const f = reading.frequency;
  const dow = dayField(reading.days);
  const range = reading.hourRange;
  let fields: string[] | undefined;
  if (f?.kind === 'unsupported') return { unsupported: f.phrase };
  if (f?.kind === 'minutes') {
    const n = f.value ?? 0;
    if (n >= 60 && n % 60 === 0 && n / 60 <= 12) fields = ['0', n === 60 ? hourField(range, false) : `*/${n / 60}`, '*', '*', dow];
    else if (n < 1 || n > 59) return { unsupported: f.phrase };
    else fields = [n === 1 ? '*' : `*/${n}`, hourField(range, true), '*', '*', dow];
  } else if (f?.kind === 'hours') {
    const n = f.value ?? 0;
    if (n === 24) fields = [String((reading.times[0] ?? { minute: 0 }).minute), String((reading.times[0] ?? DEFAULT_TIME).hour), '*', '*', dow];
    else if (n < 1 || n > 23) return { unsupported: f.phrase };
    else fields = ['0', range ? `${range[0]}-${range[1]}/${n}` : `*/${n}`, '*', '*', dow];
  } else if (f?.kind === 'hourly') {
    fields = ['0', hourField(range, false), '*', '*', dow];
  } else if (f) {
    const { minute, hour } = timeFields(reading);
    if (f.kind === 'daily') fields = [minute, hour, '*', '*', dow];
    else if (f.kind === 'twice-daily') fields = reading.times.length >= 2 ? [minute, hour, '*', '*', dow] : ['0', '9,17', '*', '*', dow];
    else if (f.kind === 'every-other-day') fields = [minute, hour, '*/2', '*', '*'];
    else if (f.kind === 'weekly') fields = [minute, hour, '*', '*', reading.days.length > 0 ? dow : '1'];
    else if (f.kind === 'monthly') fields = [minute, hour, '1', '*', '*'];
    else if (f.kind === 'day-of-month') {
      const day = f.value ?? 0;
      if (day < 1 || day > 28) return { unsupported: f.phrase };
      fields = [minute, hour, String(day), '*', '*'];
    } else if (f.kind === 'quarterly') fields = [minute, hour, '1', '1,4,7,10', '*'];
    else if (f.kind === 'yearly') fields = [minute, hour, '1', '1', '*'];
  } else if (reading.days.length > 0) {
    const { minute, hour } = timeFields(reading);
    fields = [minute, hour, '*', '*', dow];
  } else if ((reading.times.length > 0 && (reading.runCue || expectSchedule)) || (reading.partOfDay && expectSchedule)) {
    const { minute, hour } = timeFields(reading);
    fields = [minute, hour, '*', '*', '*'];
  }
  if (!fields) return undefined;
  const cron = fields.join(' ');
  return validateCron(cron).ok ? { cron } : { unsupported: f?.phrase ?? cron };
}

/** Hours for sub-daily runs: minute steps stop before the end hour, hourly runs include it. */
function hourField(range: [number, number] | undefined, minuteSteps: boolean): string {
  if (!range) return '*';
  return `${range[0]}-${minuteSteps ? range[1] - 1 : range[1]}`;
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A named time zone: an IANA name, a common abbreviation, or "Warsaw time"/"czasu polskiego". */
export function extractTimezone(original: string, folded: string): string | undefined {
  const iana = IANA_ZONE.exec(original);
  if (iana && isKnownZone(iana[0])) return iana[0];
  for (const [pattern, zone] of ZONE_ABBREVIATIONS) if (pattern.test(original)) return zone;
  for (const [pattern, zone] of ZONE_PHRASES) if (pattern.test(folded)) return zone;
  return undefined;
}
