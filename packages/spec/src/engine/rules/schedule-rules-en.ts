import { clockHour, type ScheduleRules } from './schedule-rule-types.js';

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  twelve: 12, fifteen: 15, twenty: 20, thirty: 30, 'forty-five': 45, 'forty five': 45,
};
const NUM = '(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty[- ]five)';
const ORDINAL: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5 };

function num(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  return /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word];
}

const DAYS: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };
const AMPM = '(a\\.?m\\.?|p\\.?m\\.?)';

export const SCHEDULE_RULES_EN: ScheduleRules = {
  frequencies: [
    { pattern: /\b(?:every\s+(?:two|2|other|second)\s+weeks?|bi-?weekly|fortnight\w*|every\s+(?:two|three|2|3|six|6)\s+months|last\s+(?:\w+\s+)?day\s+of|(?:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+of)\b/, frequency: 'unsupported' },
    { pattern: new RegExp(`\\bevery\\s+${NUM}\\s*(?:-\\s*)?(?:minutes?|mins?)\\b`), frequency: 'minutes', value: (m) => num(m[1]) },
    { pattern: /\b(?:every|each)\s+minute\b/, frequency: 'minutes', value: () => 1 },
    { pattern: /\b(?:every\s+half(?:\s+an)?\s+hour|half-hourly|twice\s+an\s+hour)\b/, frequency: 'minutes', value: () => 30 },
    { pattern: /\bevery\s+quarter(?:\s+of\s+an)?\s+hour\b/, frequency: 'minutes', value: () => 15 },
    { pattern: new RegExp(`\\bevery\\s+${NUM}\\s*(?:hours?|hrs?|h)\\b`), frequency: 'hours', value: (m) => num(m[1]) },
    { pattern: /\b(?:hourly|(?:every|each)\s+hour|once\s+(?:an|per|every)\s+hour)\b/, frequency: 'hourly' },
    { pattern: /\b(?:on\s+)?(?:the\s+)?(first|second|third|fourth|fifth|(\d{1,2})(?:st|nd|rd|th)?)\s+(?:day\s+)?of\s+(?:every|each|the|a)\s+month\b/, frequency: 'day-of-month', value: (m) => num(m[2]) ?? ORDINAL[m[1]!] },
    { pattern: /\b(?:every|each)\s+month\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b/, frequency: 'day-of-month', value: (m) => num(m[1]) },
    { pattern: /\bmonthly\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b/, frequency: 'day-of-month', value: (m) => num(m[1]) },
    { pattern: /\b(?:at\s+the\s+)?(?:start|beginning)\s+of\s+(?:every|each|the)\s+month\b/, frequency: 'day-of-month', value: () => 1 },
    { pattern: /\b(?:quarterly|(?:every|each|once\s+a|once\s+per)\s+quarter(?!\s+(?:of\s+an\s+hour|past|to)))\b/, frequency: 'quarterly' },
    { pattern: /\b(?:yearly|annually|(?:every|each|once\s+a|once\s+per)\s+year)\b/, frequency: 'yearly' },
    { pattern: /\b(?:monthly|(?:every|each|once\s+a|once\s+per)\s+month)\b/, frequency: 'monthly' },
    { pattern: /\b(?:weekly|(?:every|each|once\s+a|once\s+per)\s+week)\b/, frequency: 'weekly' },
    { pattern: /\bevery\s+(?:other|second|2|two)\s+days?\b/, frequency: 'every-other-day' },
    { pattern: /\btwice\s+(?:a|per)\s+day\b/, frequency: 'twice-daily' },
    { pattern: /\b(?:daily|everyday|nightly|(?:every|each|once\s+a|once\s+per|per)\s+day|(?:every|each)\s+(?:morning|evening|night|afternoon))\b/, frequency: 'daily' },
  ],
  hourRanges: [
    {
      pattern: new RegExp(`\\b(?:between|from)\\s+(\\d{1,2})(?::00)?\\s*${AMPM}?\\s+(?:and|to|until|till|-)\\s+(\\d{1,2})(?::00)?\\s*${AMPM}?`),
      read: (m) => {
        const start = clockHour(Number(m[1]), 0, m[2]);
        const end = clockHour(Number(m[3]), 0, m[4]);
        return start && end && start.hour < end.hour ? [start.hour, end.hour] : undefined;
      },
    },
    { pattern: /\b(?:during|in)\s+(?:working|business|office)\s+hours\b/, read: () => [9, 17] },
  ],
  times: [
    {
      pattern: new RegExp(`\\b(?:at|@)\\s+(\\d{1,2})(?:[:.](\\d{2}))?\\s*(?:${AMPM}|o'?clock|h\\b)?(?![\\d:.]|\\s*(?:minutes?|mins?|hours?|days?|%|percent))`),
      read: (m) => clockHour(Number(m[1]), Number(m[2] ?? 0), m[3]),
    },
    { pattern: new RegExp(`(?<![\\d:.])(\\d{1,2})(?:[:.](\\d{2}))?\\s*${AMPM}(?![a-z])`), read: (m) => clockHour(Number(m[1]), Number(m[2] ?? 0), m[3]) },
    { pattern: /(?<![\d:./-])(\d{1,2}):(\d{2})(?![\d:])/, read: (m) => clockHour(Number(m[1]), Number(m[2]), undefined) },
    { pattern: /\b(?:at\s+)?(?:noon|midday)\b/, read: () => ({ hour: 12, minute: 0 }) },
    { pattern: /\b(?:at\s+)?midnight\b/, read: () => ({ hour: 0, minute: 0 }) },
  ],
  timeContinuation: new RegExp(`\\s*(?:and|,|&)\\s*(\\d{1,2})(?:[:.](\\d{2}))?\\s*${AMPM}?(?![\\d:])`, 'y'),
  partsOfDay: [
    { pattern: /\b(?:nightly|(?:every|each|at)\s+night)\b/, time: { hour: 2, minute: 0 } },
    { pattern: /\b(?:every|each|in\s+the)\s+morning\b/, time: { hour: 8, minute: 0 } },
    { pattern: /\b(?:every|each|in\s+the)\s+evening\b/, time: { hour: 18, minute: 0 } },
    { pattern: /\b(?:every|each|in\s+the)\s+afternoon\b/, time: { hour: 14, minute: 0 } },
  ],
  dayName: /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b/g,
  dayNumber: (word) => DAYS[word],
  pluralDay: /s$/,
  dayCue: /(?:\b(?:on\s+)?(?:every|each)\s+|\bon\s+|\band\s+|\bor\s+|,\s*|&\s*|\bthrough\s+|\bto\s+|[-\u2013]\s*)$/,
  dayRangeJoin: /^\s*(?:-|\u2013|to|through|thru|until)\s*$/,
  weekdays: /\b(?:weekdays?|workdays?|working\s+days?|business\s+days?|monday\s*(?:-|\u2013|to|through)\s*friday)\b/,
  weekends: /\bweekends?\b/,
  runCue: /\b(?:send|run|check|remind|post|email|notify|generate|fetch|sync|back\s*up|backup|update|refresh|publish|export|import|collect|pull|aggregate)\w*/,
};
