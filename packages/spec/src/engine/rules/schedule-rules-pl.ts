import { clockHour, type ScheduleRules, type TimeOfDay } from './schedule-rule-types.js';

// Folded (no diacritics): "pięć" → "piec", "kwadrans", "półtorej" is not supported.
const NUMBER_WORDS: Record<string, number> = {
  jeden: 1, jedna: 1, dwa: 2, dwie: 2, trzy: 3, cztery: 4, piec: 5, szesc: 6, osiem: 8, dziesiec: 10,
  dwanascie: 12, pietnascie: 15, dwadziescia: 20, trzydziesci: 30, 'czterdziesci piec': 45,
};
const NUM = '(\\d{1,3}|jeden|jedna|dwa|dwie|trzy|cztery|piec|szesc|osiem|dziesiec|dwanascie|pietnascie|dwadziescia|trzydziesci|czterdziesci piec)';

function num(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  return /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word];
}

const DAY_STEMS: [RegExp, number][] = [
  [/^poniedzial/, 1],
  [/^wtor/, 2],
  [/^srod/, 3],
  [/^czwart/, 4],
  [/^piat/, 5],
  [/^sobot/, 6],
  [/^niedziel/, 0],
];

/** "o 8 wieczorem" → 20:00, "o 7 rano" → 7:00. */
function withPartOfDay(time: TimeOfDay | undefined, part: string | undefined): TimeOfDay | undefined {
  if (!time || !part) return time;
  if (/^(?:wieczor|po\s+poludniu|w\s+nocy)/.test(part) && time.hour < 12) return { hour: time.hour + 12, minute: time.minute };
  return time;
}

const PART = '(?:\\s+(rano|wieczorem|po\\s+poludniu|w\\s+nocy))?';

export const SCHEDULE_RULES_PL: ScheduleRules = {
  frequencies: [
    { pattern: /\b(?:co\s+(?:dwa|2|drugi)\s+tygodni[ae]?|co\s+drugi\s+tydzien|co\s+(?:dwa|2|trzy|3|szesc|6)\s+miesiac\w*|ostatni\w*\s+(?:\w+\s+)?dni\w*\s+(?:kazdego\s+)?miesiaca|(?:pierwsz|drug|trzec|czwart|ostatni)\w*\s+(?:poniedzial|wtor|srod|czwart|piat|sobot|niedziel)\w*\s+(?:kazdego\s+)?miesiaca)\b/, frequency: 'unsupported' },
    { pattern: new RegExp(`\\bco\\s+${NUM}\\s*(?:minut[ya]?|min\\.?)(?![a-z])`), frequency: 'minutes', value: (m) => num(m[1]) },
    { pattern: /\b(?:co\s+minut[ea]|kazdej\s+minuty)\b/, frequency: 'minutes', value: () => 1 },
    { pattern: /\bco\s+pol\s+godziny\b/, frequency: 'minutes', value: () => 30 },
    { pattern: /\bco\s+kwadrans\b/, frequency: 'minutes', value: () => 15 },
    { pattern: new RegExp(`\\bco\\s+${NUM}\\s*(?:godzin[ye]?|godz\\.?|h)(?![a-z])`), frequency: 'hours', value: (m) => num(m[1]) },
    { pattern: /\b(?:co\s+godzin[ea]|cogodzin\w*|godzinowo|kazdej\s+godziny|raz\s+na\s+godzine)\b/, frequency: 'hourly' },
    { pattern: /\b(?:w\s+)?pierwsz(?:ego|y)\s+dni(?:a|u)?\s+(?:kazdego\s+)?miesiaca\b/, frequency: 'day-of-month', value: () => 1 },
    { pattern: /\b(\d{1,2})[.]?(?:-?go)?\s+dnia\s+(?:kazdego\s+)?miesiaca\b/, frequency: 'day-of-month', value: (m) => num(m[1]) },
    { pattern: /\b(\d{1,2})[.]?(?:-?go)?\s+(?:kazdego\s+miesiaca|w\s+kazdym\s+miesiacu)\b/, frequency: 'day-of-month', value: (m) => num(m[1]) },
    { pattern: /\bna\s+poczatku\s+(?:kazdego\s+)?miesiaca\b/, frequency: 'day-of-month', value: () => 1 },
    { pattern: /\b(?:co\s+kwartal|kwartalnie|raz\s+na\s+kwartal|(?:kazdego|w\s+kazdym)\s+kwartal\w*|co\s+(?:3|trzy)\s+miesiace)\b/, frequency: 'quarterly' },
    { pattern: /\b(?:co\s+rok|corocznie|raz\s+(?:w|na)\s+rok\w*|rocznie|kazdego\s+roku)\b/, frequency: 'yearly' },
    { pattern: /\b(?:co\s+miesiac|raz\s+(?:w|na)\s+miesiac\w*|miesiecznie|comiesieczn\w*|kazdego\s+miesiaca|w\s+kazdym\s+miesiacu)\b/, frequency: 'monthly' },
    { pattern: /\b(?:co\s+tydzien|raz\s+(?:w|na)\s+tydz\w*|raz\s+w\s+tygodniu|cotygodniow\w*|tygodniowo|kazdego\s+tygodnia|w\s+kazdym\s+tygodniu)\b/, frequency: 'weekly' },
    { pattern: /\b(?:co\s+(?:drugi|2)\s+dzien|co\s+dwa\s+dni)\b/, frequency: 'every-other-day' },
    { pattern: /\bdwa\s+razy\s+(?:dziennie|na\s+dzien|dzien)\b/, frequency: 'twice-daily' },
    { pattern: /\b(?:codzienn\w*|kazdego\s+(?:dnia|ranka|poranka|wieczoru)|co\s+(?:dzien|rano|noc|wieczor)|raz\s+(?:dziennie|na\s+dzien)|dziennie|kazdej\s+nocy)\b/, frequency: 'daily' },
  ],
  hourRanges: [
    { pattern: /\bw\s+godzinach\s+(\d{1,2})(?::00)?\s*(?:-|\u2013|do)\s*(\d{1,2})(?::00)?/, read: (m) => range(m[1], m[2]) },
    { pattern: /\bmiedzy\s+(?:godz\w*\s+)?(\d{1,2})(?::00)?\s+a\s+(\d{1,2})(?::00)?/, read: (m) => range(m[1], m[2]) },
    { pattern: /\bod\s+(?:godz\w*\.?\s+)?(\d{1,2})(?::00)?\s+do\s+(\d{1,2})(?::00)?/, read: (m) => range(m[1], m[2]) },
    { pattern: /\bw\s+godzinach\s+pracy\b/, read: () => [9, 17] },
  ],
  times: [
    {
      pattern: new RegExp(`\\bo\\s+(?:godz(?:inie|\\.)?\\s*)?(\\d{1,2})(?:[:.](\\d{2}))?(?![\\d:.]|\\s*(?:minut|godzin|dni|%|proc))${PART}`),
      read: (m) => withPartOfDay(clockHour(Number(m[1]), Number(m[2] ?? 0), undefined), m[3]),
    },
    { pattern: new RegExp(`\\bgodz(?:\\.|inie|ina)?\\s*(\\d{1,2})(?:[:.](\\d{2}))?(?![\\d:])${PART}`), read: (m) => withPartOfDay(clockHour(Number(m[1]), Number(m[2] ?? 0), undefined), m[3]) },
    { pattern: new RegExp(`(?<![\\d:./-])(\\d{1,2}):(\\d{2})(?![\\d:])${PART}`), read: (m) => withPartOfDay(clockHour(Number(m[1]), Number(m[2]), undefined), m[3]) },
    { pattern: /\bw\s+poludnie\b/, read: () => ({ hour: 12, minute: 0 }) },
    { pattern: /\bo\s+polnocy\b/, read: () => ({ hour: 0, minute: 0 }) },
  ],
  timeContinuation: /\s*(?:i|oraz|,)\s*(\d{1,2})(?:[:.](\d{2}))?(?![\d:])/y,
  partsOfDay: [
    { pattern: /\b(?:co\s+noc|kazdej\s+nocy|w\s+nocy)\b/, time: { hour: 2, minute: 0 } },
    { pattern: /\b(?:co\s+rano|kazdego\s+(?:ranka|poranka)|rano)\b/, time: { hour: 8, minute: 0 } },
    { pattern: /\b(?:co\s+wieczor|kazdego\s+wieczoru|wieczorem)\b/, time: { hour: 18, minute: 0 } },
    { pattern: /\bpo\s+poludniu\b/, time: { hour: 14, minute: 0 } },
  ],
  dayName: /\b((?:poniedzial|wtor|srod|czwart|piat|sobot|niedziel)\w*)/g,
  dayNumber: (word) => DAY_STEMS.find(([stem]) => stem.test(word))?.[1],
  pluralDay: /^(?:poniedzialki|wtorki|srody|czwartki|piatki|soboty|niedziele)$/,
  dayCue: /(?:\b(?:w|we|co)\s+(?:kazd\w*\s+)?|\bkazd\w*\s+|\bi\s+|\boraz\s+|\balbo\s+|\blub\s+|,\s*|&\s*|\bdo\s+|\bod\s+|[-\u2013]\s*)$/,
  dayRangeJoin: /^\s*(?:-|\u2013|do)\s*$/,
  weekdays: /\b(?:dni\s+(?:robocze|roboczych|powszednie|powszednich|pracujace)|dzien\s+roboczy|kazdego\s+dnia\s+roboczego|od\s+poniedzialku\s+do\s+piatku)\b/,
  weekends: /\bweekend\w*/,
  runCue: /\b(?:wysl|wysyl|uruchom|sprawdz|przypomn|powiadom|generuj|wygeneruj|pobier|synchroniz|aktualizuj|odswiez|publikuj|eksportuj|importuj|zbier|agreguj|zsumuj)\w*/,
};

function range(a: string | undefined, b: string | undefined): [number, number] | undefined {
  const start = Number(a);
  const end = Number(b);
  return start < end && end <= 23 ? [start, end] : undefined;
}
