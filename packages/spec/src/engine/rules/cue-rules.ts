import type { Field, Output } from '../../app-spec.js';

/** A later message that corrects rather than adds ("actually …", "change … to", "zmień …"). Folded text. */
export const CORRECTION_CUE =
  /\b(?:actually|instead|rather|change|switch|replace|make\s+it|turn\s+it\s+into|should\s+be|correction|update\s+the|set\s+the|no\s*,|jednak|zamiast|zmien\w*|niech\s+(?:to\s+)?bedzie|zrob\s+z\s+tego|powin\w*\s+byc|popraw\w*|ustaw\w*|wlasciwie|raczej|prefer\w*|wolal\w*|wolel\w*|wole)\b/;

/** A later message that adds to what is there ("also", "add", "dodaj"). */
export const ADD_CUE = /\b(?:add|also|plus|another|additionally|dodaj\w*|dodatkowo|rowniez|tez|takze|jeszcze)\b/;

/** "remove the phone field", "usuń pole telefon": capture 1 is what to remove (one or a list). */
export const REMOVE_CUE = [
  /\b(?:remove|drop|delete|get\s+rid\s+of)\s+(?:the\s+)?(?:fields?\s+|columns?\s+)?["“']?([a-z][^.;!?\n"”']{0,80}?)["”']?(?:\s+(?:fields?|columns?))?\s*(?=$|[.;!?\n]|\s+from\s)/,
  /\b(?:usun|wyrzuc|skasuj)\s+(?:pole\s+|pola\s+|kolumn\w*\s+)?["„']?([a-z][^.;!?\n"”']{0,80}?)["”']?\s*(?=$|[.;!?\n]|\s+z\s)/,
];

/** Output words in a removal ("remove the webhook", "usuń maila"). */
export const OUTPUT_WORDS: [RegExp, Output['type']][] = [
  [/^(?:the\s+)?(?:webhook\w*|slack\w*|teams)$/, 'webhook'],
  [/^(?:the\s+)?(?:e-?mail\w*|mail\w*|maila)$/, 'email'],
  [/^(?:the\s+)?(?:file|plik\w*)$/, 'file'],
  [/^(?:the\s+)?(?:dashboard\w*|panel\w*)$/, 'dashboard'],
];

const TYPE_EN = '(date\\s+and\\s+time|datetime|whole\\s+number|integer|number|decimal|date|boolean|yes/no|checkbox|long\\s+text|text|string|e-?mail|url|link|required|optional|mandatory)';
const TYPE_PL = '(liczb\\w*\\s+calkowit\\w*|liczb\\w*|dat\\w*\\s+i\\s+godzin\\w*|dat\\w*|tekst\\w*|tak/nie|wymagan\\w*|opcjonaln\\w*|obowiazkow\\w*|link\\w*|e-?mail\\w*)';

/** "make price a number", "email should be required", "cena ma być liczbą": capture 1 = field, 2 = type. */
export const TYPE_CHANGE: RegExp[] = [
  new RegExp(`\\b(?:make|set|change)\\s+(?:the\\s+)?(?:field\\s+)?["“']?([a-z][\\w-]*(?:\\s+(?!(?:an?|the|to|be)\\b)[a-z][\\w-]*)?)["”']?\\s+(?:to\\s+)?(?:be\\s+)?(?:an?\\s+)?${TYPE_EN}\\b`, 'g'),
  new RegExp(`\\b([a-z][\\w-]*(?:\\s+(?!(?:an?|the|to|be)\\b)[a-z][\\w-]*)?)\\s+(?:should\\s+be|must\\s+be|is)\\s+(?:an?\\s+)?${TYPE_EN}\\b`, 'g'),
  new RegExp(`\\b([a-z][\\w-]*(?:\\s+(?!(?:an?|the|to|be)\\b)[a-z][\\w-]*)?)\\s+(?:ma|powin\\w*|musi)\\s+byc\\s+${TYPE_PL}\\b`, 'g'),
  new RegExp(`\\bzmien\\s+typ\\s+(?:pola\\s+)?([a-z][\\w-]*(?:\\s+(?!(?:an?|the|to|be)\\b)[a-z][\\w-]*)?)\\s+na\\s+${TYPE_PL}\\b`, 'g'),
];

export type FieldChange = { field: string } & Partial<Pick<Field, 'type' | 'required'>>;
