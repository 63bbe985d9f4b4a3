import type { FieldType } from '../../app-spec.js';
import type { Language } from '../detect-language.js';

export interface FieldTypeRule {
  type: FieldType;
  pattern: RegExp;
  /** Only for requests in this language ("data" is a date in Polish, not in English). */
  language?: Language;
}

/**
 * A field's type from the words of its name, on folded text. The first rule that matches wins,
 * so the order matters: "number of seats" is an integer before "number" could mean anything else,
 * "is paid" is a boolean before "paid" is looked at, "date and time" is a datetime before a date.
 */
export const FIELD_TYPE_RULES: FieldTypeRule[] = [
  { type: 'boolean', pattern: /^(?:is|are|has|have|needs?|requires?|wants?|whether|can|should|did|does|was|czy|potrzebuje|wymaga|chce)\b/ },
  { type: 'integer', pattern: /\b(?:number\s+of|how\s+many|liczb\w*|ilosc\w*|ile|stan\w*\s+magazyn\w*)\b/ },
  { type: 'number', pattern: /\b(?:time\s+spent|hours\s+worked)\b/ },
  { type: 'string', pattern: /\b(?:time\s*zone|timezone|strefa\s+czasowa|cost\s+cent(?:re|er)s?|price\s+list|mpk|centrum\s+koszt\w*)\b/ },
  { type: 'datetime', pattern: /\b(?:date\s*(?:and|&|\/)\s*time|datetime|timestamp|time|godzin\w*|czas\s+(?:rozpoczecia|zakonczenia|startu|przyjazdu|wyjazdu|spotkania|wizyty)|dat\w*\s+i\s+(?:godzin\w*|czas\w*))\b/ },
  { type: 'email', pattern: /\b(?:e-?mail\w*|mail\w*)\b/ },
  { type: 'url', pattern: /\b(?:url|urls|website|web\s*site|homepage|web\s*page|links?|linku|linkiem|strona|strony|stronie|strone|www)\b/ },
  { type: 'date', pattern: /\b(?:date|dates|deadline|birthday|dob|due|expiry|expiration|termin\w*|urodzin|urodzenia|dzien|dnia|day)\b/ },
  { type: 'date', pattern: /\bdat(?:a|y|e|ami)\b/, language: 'pl' },
  // one end of a validity range: "valid from", "valid to", "ważny od", "ważna do"
  { type: 'date', pattern: /\b(?:valid|effective|available)\s+(?:from|until|to|through)$|\bwazn[aey]\s+(?:od|do)$/ },
  { type: 'number', pattern: /\b(?:amount|price|cost|total|budget|salary|revenue|value|weight|balance|sum|fee|rate|percentage|percent|temperature|distance|height|length|width|kwot\w*|cen[aey]|koszt\w*|sum[aey]|budzet\w*|wynagrodzen\w*|pensj\w*|wartosc\w*|wag[aie]|saldo|oplat\w*|stawk\w*|procent\w*|przychod\w*|kurs\w*|temperatur\w*|odleglosc\w*|dlugosc\w*|wysokosc\w*)\b/ },
  { type: 'integer', pattern: /\b(?:count|capacity|quantity|qty|seats?|age|rating|stars?|score|stock|pages?|year|floor|rank|years?|stan\w*\s+magazyn\w*|ocen\w*|wiek\w*|pojemnosc\w*|miejsc|pietr\w*|rok|roku|punkt\w*|sztuk\w*|limit\w*|gwiazdk\w*)\b/ },
  { type: 'text', pattern: /\b(?:description|comments?|notes?|remarks|message|feedback|details|content|body|reason|summary|bio|justification|steps\s+to\s+reproduce|(?:reproduction\s+)?steps|instructions|opis\w*|komentarz\w*|uwag\w*|notatk\w*|wiadomosc\w*|tresc\w*|szczegol\w*|powod\w*|uzasadnieni\w*|opini\w*)\b/ },
  { type: 'boolean', pattern: /^(?:active|enabled|paid|approved|confirmed|completed|done|verified|consent|vegetarian|remote|archived|published|visible|resolved|consent\s+to\s+[a-z\s]{2,30}|aktywn\w*|oplacon\w*|zatwierdzon\w*|potwierdzon\w*|zgod\w*(?:\s+\w+){0,3}|zrealizowan\w*|zakonczon\w*|wegetarian\w*|zdaln\w*|opublikowan\w*|widoczn\w*)$/ },
];

/** A type named outright next to a field: "price (number)", "notes: text", "cena jako liczba". */
export const TYPE_WORDS: [RegExp, FieldType][] = [
  [/^(?:date\s*(?:and|&|\/)\s*time|datetime|timestamp|data\s+i\s+godzina|data\s+i\s+czas)$/, 'datetime'],
  [/^(?:an?\s+)?(?:integer|int|whole\s+number|liczb\w*\s+calkowit\w*|calkowit\w*)$/, 'integer'],
  [/^(?:an?\s+)?(?:number|numeric|decimal|float|liczb\w*|liczbowe|liczbowy)$/, 'number'],
  [/^(?:an?\s+)?(?:boolean|bool|yes\/no|yes\s+or\s+no|true\/false|checkbox|flag|tak\/nie|tak\s+lub\s+nie|pole\s+wyboru)$/, 'boolean'],
  [/^(?:an?\s+)?(?:date|dat[aeyą])$/, 'date'],
  [/^(?:an?\s+)?(?:e-?mail|adres\s+e-?mail)$/, 'email'],
  [/^(?:an?\s+)?(?:url|link|adres\s+url)$/, 'url'],
  [/^(?:an?\s+)?(?:long\s+text|text|multiline|tekst|dlugi\s+tekst|tekstem)$/, 'text'],
  [/^(?:an?\s+)?(?:string|short\s+text|krotki\s+tekst|napis)$/, 'string'],
];

/** Required / optional next to a field. */
export const REQUIRED_WORDS = /^(?:required|mandatory|must|wymagan\w*|obowiazkow\w*)$/;
export const OPTIONAL_WORDS = /^(?:optional|opcjonaln\w*|nieobowiazkow\w*)$/;
/** No two records share the value. */
export const UNIQUE_WORDS = /^(?:unique|distinct|unikaln\w*|niepowtarzaln\w*)$/;
