import type { AppKind } from '../../app-spec.js';

/** A phrase of one to three words (folded), lazily, so the pattern around it decides where it ends. */
const W = "[a-z][\\w'-]*(?:\\s+[a-z][\\w'-]*){0,2}?";
const END = '(?=\\s*(?:[.!?;,]|$))';
const ART = '(?:(?:an?|the|some)\\s+)?';

/**
 * "X, not Y" corrections in both languages, on folded text: capture `from` is what the draft has
 * wrong, `to` what it should be. What they name (the records, a field, the kind, the title) is
 * decided against the draft.
 */
export const SWAP_PATTERNS: RegExp[] = [
  // "The records are laptops, not employees.", "these are contractors, not employees", "it's a dashboard, not a form"
  new RegExp(`\\b(?:(?:the\\s+)?(?:records?|items?|entries|rows|things)|they|these|those|it|this|that|it's|they're|its)\\s+(?:(?:are|is|should\\s+be|will\\s+be)\\s+)?(?:actually\\s+|really\\s+)?${ART}(?<to>${W})\\s*,?\\s+(?:and\\s+)?not\\s+${ART}(?<from>${W})${END}`, 'g'),
  // "not a form but an API", "not employees but laptops"
  new RegExp(`(?:^|[\\s,.;:!?])not\\s+${ART}(?<from>${W})\\s*,?\\s+but\\s+(?:rather\\s+)?${ART}(?<to>${W})${END}`, 'g'),
  // "laptops instead of employees", "use a dashboard instead of a form"
  new RegExp(`(?:^|[\\s,.;:!?])(?:(?:use|make\\s+it|track|keep|want|need|it\\s+should\\s+be)\\s+)?${ART}(?<to>${W})\\s+instead\\s+of\\s+${ART}(?<from>${W})${END}`, 'g'),
  // "To nie szkolenia tylko kursy.", "nie formularz, a API", "nie pracownicy, lecz laptopy"
  new RegExp(`(?:^|[\\s,.;:!?])(?:(?:to|chodzi\\s+o)\\s+)?nie\\s+(?<from>${W})\\s*,?\\s+(?:tylko|lecz|ale|a)\\s+(?<to>${W})${END}`, 'g'),
  // "zamiast formularza zrób API", "zamiast pracowników laptopy"
  new RegExp(`(?:^|[\\s,.;:!?])zamiast\\s+(?<from>${W})\\s*,?\\s+(?:(?:zrob|zrobmy|daj|uzyj|niech\\s+bedzie|chce|wole|potrzebuje)\\s+)?(?<to>${W})${END}`, 'g'),
  // "Rekordy to laptopy, nie pracownicy.", "wpisy to są laptopy, nie pracownicy"
  new RegExp(`(?:^|[\\s,.;:!?])(?:te\\s+)?(?:rekordy|wpisy|pozycje|dane)\\s+to\\s+(?:sa\\s+)?(?<to>${W})\\s*,?\\s+(?:a\\s+)?nie\\s+(?<from>${W})${END}`, 'g'),
  // "to są laptopy, a nie pracownicy"
  new RegExp(`(?:^|[\\s,.;:!?])(?:(?:to\\s+)?(?:sa|jest|beda)\\s+)?(?<to>${W})\\s*,?\\s+a\\s+nie\\s+(?<from>${W})${END}`, 'g'),
];

/** "rename the field steps to reproduction steps", "zmień nazwę pola lokal na pomieszczenie". */
export const RENAME_PATTERNS: RegExp[] = [
  new RegExp(`\\brename\\s+(?:the\\s+)?(?:(?<what>field|column|entity|records?|table)\\s+)?["“']?(?<from>${W})["”']?\\s+(?:field\\s+|column\\s+)?(?:to|as|into)\\s+["“']?(?<to>${W})["”']?${END}`, 'g'),
  new RegExp(`\\bchange\\s+(?:the\\s+)?(?:(?<what>field|column)\\s+)?["“']?(?<from>${W})["”']?\\s+(?:(?<what2>field|column)\\s+)?(?:name\\s+)?to\\s+["“']?(?<to>${W})["”']?${END}`, 'g'),
  new RegExp(`\\bcall\\s+the\\s+(?<what>field|column|records?|entity)\\s+["“']?(?<from>${W})["”']?\\s+["“']?(?<to>${W})["”']?${END}`, 'g'),
  new RegExp(`\\b(?:zmien|popraw)\\s+nazwe\\s+(?:(?<what>pola|kolumny|rekordow|encji|tabeli)\\s+)?["„']?(?<from>${W})["”']?\\s+na\\s+["„']?(?<to>${W})["”']?${END}`, 'g'),
  new RegExp(`\\bnazwij\\s+(?<what>pole|kolumne|rekordy)\\s+["„']?(?<from>${W})["”']?\\s+["„']?(?<to>${W})["”']?${END}`, 'g'),
];

/** "Add a notes field too.", "add an optional phone column": the list comes before the word "field". */
export const ADD_FIELD_BEFORE = /\badd(?:\s+also)?\s+(?:(?:an?|the|one\s+more|another|new)\s+)?(?<list>(?!(?:an?|the|new|one|another)\s)[a-z][\w\s,()'-]{0,80}?)\s+(?:fields?|columns?)\b/g;

/** A `from` that points back at something said before ("zamiast tego", "instead of this"): no swap. */
export const PRONOUNS = /^(?:it|this|that|these|those|them|to|tego|tym|ten|ta|te|tamto)$/;

/** Words that name the app itself, not a record ("rename the app to …" is a new title). */
export const APP_WORDS = /^(?:it|app|application|tool|aplikacj\w*|narzedzi\w*|to|tego|this|that)$/;

/** Words that stand for "the records" in "the records are laptops". */
export const RECORD_WORDS = /^(?:records?|items?|entries|rows|things|rekord\w*|wpis\w*|pozycj\w*)$/;

/** Words naming a kind of app, for "not a form but an API", "wolałbym kalendarz", "nie dane tylko wykres". */
export const KIND_WORDS: [RegExp, AppKind][] = [
  [/\b(?:dashboard\w*|panel\w*|pulpit\w*|calendar|kalendarz\w*|charts?|graphs?|wykres\w*|timeline|overview|board|tablic\w*)\b/, 'web-dashboard'],
  [/\b(?:forms?|formularz\w*|survey\w*|ankiet\w*|questionnaire\w*)\b/, 'form-app'],
  [/\b(?:api|apis|rest|backend|service|usluga|uslug\w*|serwis\w*|database|baz\w*\s+danych|rejestr\w*)\b/, 'api-service'],
  [/\b(?:automation|automatyzacj\w*|bot|reminder|przypomnieni\w*|schedul\w*|cron)\b/, 'automation'],
  [/\b(?:data\s+tool|narzedzi\w*\s+do\s+danych|report|raport\w*|etl|dane|data)\b/, 'data-tool'],
];

/**
 * Questions about the marketplace itself, not a description of an app ("what can you do?",
 * "co potrafisz?"). Each matches the whole (folded, trimmed) message.
 */
export const MARKETPLACE_QUESTIONS: RegExp[] = [
  /^(?:(?:so|and|ok|okay|hi|hello|hey)\W+)?(?:what|which\s+things)\s+(?:else\s+)?(?:can|could|do)\s+you\s+(?:do|build|make|create|offer)(?:\s+for\s+(?:me|us))?\s*\??$/,
  /^(?:(?:so|and|ok|hi|hello|hey)\W+)?what\s+(?:kinds?|types?|sorts?)\s+of\s+(?:apps?|applications?|tools?|things)\s+(?:can|could|do)\s+you\s+(?:build|make|create|do)\s*\??$/,
  /^(?:(?:so|and|ok|hi|hello|hey)\W+)?(?:how\s+does\s+(?:this|it|the\s+marketplace)\s+work|what\s+is\s+this(?:\s+place)?|what\s+are\s+you|who\s+are\s+you|what\s+do\s+you\s+do|how\s+do\s+i\s+(?:use\s+(?:this|it|you)|start|begin)|help(?:\s+me)?|what\s+is\s+the\s+marketplace)\s*[?!.]*$/,
  /^(?:(?:a|i|to|hej|czesc|dzien\s+dobry)\W+)?co\s+(?:(?:ty\s+)?(?:potrafisz|umiesz)(?:\s+zrobic)?|mozesz\s+(?:dla\s+mnie\s+)?(?:zrobic|zbudowac|stworzyc)|tu\s+mozna\s+zrobic|to\s+jest(?:\s+za\s+miejsce)?|robisz)\s*\??$/,
  /^(?:(?:a|i|hej|czesc)\W+)?jakie\s+(?:aplikacje|rodzaje\s+aplikacji|narzedzia)\s+(?:mozesz|potrafisz|umiesz)\s+(?:zrobic|zbudowac|stworzyc)\s*\??$/,
  /^(?:(?:a|i|hej|czesc)\W+)?(?:jak\s+to\s+dziala|jak\s+(?:zaczac|mam\s+zaczac)|pomocy?|kim\s+jestes|czym\s+jestes|w\s+czym\s+mozesz\s+pomoc)\s*[?!.]*$/,
];

/**
 * "move the field phone to the top", "put status first", "move notes after title",
 * "przenieś pole telefon na początek", "przesuń uwagi za tytuł": `field` and where it goes.
 */
export const MOVE_PATTERNS: RegExp[] = [
  new RegExp(`\\b(?:move|put|place)\\s+(?:the\\s+)?(?:(?:field|column)\\s+)?["“']?(?<field>${W})["”']?\\s+(?:(?:field|column)\\s+)?(?:(?<first>to\\s+the\\s+(?:top|start|beginning|front)|first|at\\s+the\\s+(?:top|start|beginning))|(?<last>to\\s+the\\s+(?:bottom|end)|last|at\\s+the\\s+(?:bottom|end))|(?<before>before|above|in\\s+front\\s+of)\\s+(?:the\\s+)?["“']?(?<other>${W})["”']?|(?<after>after|below|behind)\\s+(?:the\\s+)?["“']?(?<other2>${W})["”']?)(?:\\s+(?:field|column))?${END}`, 'g'),
  new RegExp(`\\b(?:przenies|przesun|daj|ustaw)\\s+(?:(?:pole|kolumne)\\s+)?["„']?(?<field>${W})["”']?\\s+(?:(?<first>na\\s+(?:poczatek|gore|pierwsze\\s+miejsce)|jako\\s+pierwsze)|(?<last>na\\s+(?:koniec|dol|ostatnie\\s+miejsce)|jako\\s+ostatnie)|(?<before>przed|nad)\\s+(?:pole\\s+|polem\\s+)?["„']?(?<other>${W})["”']?|(?<after>za|po|pod)\\s+(?:pole\\s+|polem\\s+)?["„']?(?<other2>${W})["”']?)${END}`, 'g'),
];

/** "replace the source with …", "use … as the source instead", "zamień źródło na …": the new sources replace all old ones. */
export const REPLACE_SOURCES = /\b(?:(?:replace|swap|change|switch)\s+(?:the\s+|our\s+)?(?:data\s+)?sources?\b|as\s+the\s+(?:only\s+|new\s+)?(?:data\s+)?source\s+instead\b|(?:zamien|zmien|podmien|zastap)\s+(?:to\s+)?zrodl\w*|nowe\s+zrodlo\s+danych)/;
