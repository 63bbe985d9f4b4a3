/**
 * A range written as a pair of fields in one phrase, on folded text. Each rule names, for each of the
 * two fields it stands for, the capture groups whose words make that field's name (in order).
 * "start and end date" → "start date", "end date"; "date from and to" → "date from", "date to";
 * "data wyjazdu i powrotu" → "data wyjazdu", "data powrotu".
 */
export interface RangeRule {
  pattern: RegExp;
  fields: [number[], number[]];
  /** The group holding the shared noun, made singular ("start and end dates" → "start date"). */
  noun: number;
}

/** Words that open or close a range before an English noun ("arrival and departure time"). */
const OPENING_EN = 'start|begin(?:ning)?|from|arrival|departure|check-?in|pick-?up|opening|in';
const CLOSING_EN = 'end|finish|to|until|departure|return|check-?out|drop-?off|closing|out';
/** What the Polish noun of a range is followed by ("data rozpoczęcia i zakończenia", "godzina przyjazdu i wyjazdu"). */
const OPENING_PL = 'rozpoczecia|poczatku|startu|przyjazdu|wyjazdu|zameldowania|odbioru|wypozyczenia|otwarcia|wylotu';
const CLOSING_PL = 'zakonczenia|konca|wyjazdu|powrotu|wymeldowania|zwrotu|oddania|zamkniecia|przylotu';
/** The nouns a range is made of: dates and times only ("name and email address" is no range). */
const NOUN_EN = 'dates?|times?|hours?|days?|datetimes?';
const NOUN_PL = 'dat[aeyę]|date|godzin[aeyę]|godzine|czas|dzien|dnia|termin';
const AND = '\\s*(?:\\/|-|–|,|\\s(?:and|&|or|i|oraz|lub)\\s)\\s*';

export const RANGE_RULES: RangeRule[] = [
  // "start and end date", "arrival / departure times", "from and to date"
  { pattern: new RegExp(`\\b(${OPENING_EN})${AND}(${CLOSING_EN})\\s+(${NOUN_EN})\\b`, 'dg'), fields: [[1, 3], [2, 3]], noun: 3 },
  // "date from and to", "time from/to", "date from, date to" is two items already
  { pattern: new RegExp(`\\b(${NOUN_EN})\\s+(from)${AND}(to|until)\\b(?!\\s+(?:${NOUN_EN})\\b)`, 'dg'), fields: [[1, 2], [1, 3]], noun: 1 },
  // "data od i do", "godzinę od i godzinę do", "godzina od-do"
  { pattern: new RegExp(`\\b(${NOUN_PL})\\s+(od)${AND}(?:(?:${NOUN_PL})\\s+)?(do)\\b`, 'dg'), fields: [[1, 2], [1, 3]], noun: 1 },
  // "data rozpoczęcia i zakończenia", "godzina przyjazdu i wyjazdu"
  { pattern: new RegExp(`\\b(${NOUN_PL})\\s+(${OPENING_PL})${AND}(${CLOSING_PL})\\b`, 'dg'), fields: [[1, 2], [1, 3]], noun: 1 },
];
