/**
 * How requests list the data an app keeps, English and Polish, on folded text.
 * A trigger opens a list of fields; `e` captures the entity's name when the trigger names it.
 * `minItems` guards the looser triggers ("with", "z") from reading "a dashboard with a chart"
 * as fields: they need that many field-like items, at least one a recognisable field.
 */
export interface ListTrigger {
  pattern: RegExp;
  minItems: number;
  /** The entity named by the trigger comes from `e`; without it, from the words before. */
  namesEntity?: boolean;
  /** The trigger follows the noun it lists fields of ("laptops: …", "books with …"): it wins over a verb just before that noun. */
  afterNoun?: boolean;
}

export const LIST_TRIGGERS: ListTrigger[] = [
  { pattern: /\b(?:with|having|containing|including)\s+(?:the\s+|these\s+|those\s+)?(?:following\s+)?(?:fields|columns|attributes|properties)\b\s*(?::|-)?\s*/g, minItems: 1 },
  { pattern: /\b(?:fields|columns|attributes|properties)\s*(?:(?:are|should\s+be|will\s+be)\s*:?|:|-)\s*/g, minItems: 1 },
  { pattern: /\badd(?:\s+also)?\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?(?:fields?|columns?)\s*(?:called\s+|named\s+)?:?\s*/g, minItems: 1 },
  { pattern: /\bask(?:s|ing)?\s+(?:\w+\s+)?for\b\s*:?\s*/g, minItems: 1 },
  { pattern: /\b(?:each|every)\s+(?<e>[a-z]\w*(?:\s+[a-z]\w*)?)\s+(?:has|have|needs|contains|includes|should\s+have)\b\s*:?\s*/g, minItems: 1, namesEntity: true },
  { pattern: /\bfor\s+each\s+(?<e>[a-z]\w*(?:\s+[a-z]\w*)?)\s*(?::|,|-)\s*/g, minItems: 1, namesEntity: true },
  { pattern: /\b(?<e>(?!(?:we|i|you|they|he|she|it|who|which|that)\b)[a-z]\w*)\s+(?:have|has|need|contain|include)\b\s*(?::|-)?\s*/g, minItems: 2, namesEntity: true },
  { pattern: /\b(?:collect(?:s|ing)?|captur(?:e|es|ing)|record(?:s|ing)?|stor(?:e|es|ing)|track(?:s|ing)?|keep(?:s|ing)?\s+track\s+of)\s+(?:their\s+|the\s+)?/g, minItems: 2 },
  { pattern: /\bz\s+(?:nastepujacymi\s+)?(?:polami|kolumnami|danymi|informacjami)\b\s*(?::|-)?\s*/g, minItems: 1 },
  { pattern: /\b(?:pola|kolumny)\s*(?:to\s*:?|:|-)\s*/g, minItems: 1 },
  { pattern: /\bdodaj(?:\s+(?:tez|rowniez|jeszcze|takze))?\s+(?:nowe\s+)?(?:pole|pola|kolumn\w*)\s*(?:o\s+nazwie\s+)?:?\s*/g, minItems: 1 },
  { pattern: /\b(?:zawierajac\w*|obejmujac\w*|pyta\w*\s+o)\b\s*:?\s*/g, minItems: 1 },
  { pattern: /\bkazd(?:y|a|e)\s+(?<e>[a-z]\w*(?:\s+[a-z]\w*)?)\s+(?:ma|maja|zawiera|powin\w*\s+miec)\b\s*:?\s*/g, minItems: 1, namesEntity: true },
  { pattern: /\bdla\s+kazdego\s+(?<e>[a-z]\w*(?:\s+[a-z]\w*)?)\s*(?::|,|-)\s*/g, minItems: 1, namesEntity: true },
  { pattern: /\b(?<e>[a-z]\w*)\s+(?:maja|zawieraja)\b\s*:?\s*/g, minItems: 2, namesEntity: true },
  { pattern: /\b(?:zbiera\w*|przechowuj\w*|zapisuj\w*\s+(?:dane|informacje)\s*:?)\s*/g, minItems: 2 },
  // Sentences: "people enter their name, start date and a comment", "we need to know the car plate, …".
  {
    pattern:
      /\b(?:people|users|employees|staff|visitors|guests|they|customers|participants|applicants|members|students|managers|he|she|you|we|someone|(?:an?|the|each|every)\s+(?:employee|user|person|visitor|guest|customer|participant|applicant|member|student|manager|requester))\s+(?:can\s+|will\s+|should\s+|must\s+|have\s+to\s+)?(?:enter|enters|fill\s+in|fills\s+in|provide|provides|give|gives|type|types|submit|submits|choose|chooses|pick|picks|select|selects|specify|specifies|upload|uploads|write|writes|put\s+in|puts\s+in|state|states|add|adds|tell\s+us)\s+(?:in\s+)?(?:their|the|his|her|a|an)?\s*/g,
    minItems: 2,
  },
  { pattern: /\bwe\s+(?:need|want|would\s+like)\s+(?:to\s+(?:know|have|collect|capture|store|record|ask\s+for)\s+)?(?:the\s+|their\s+)?/g, minItems: 2 },
  { pattern: /\b(?:wpisuj\w*|wpisze\w*|wpisac|poda(?:je|ja|wac|c)|podaj\w*|wybiera\w*|wypelnia\w*|uzupelnia\w*|zaznacza\w*|okresla\w*|potrzebujemy|musimy\s+znac|chcemy\s+znac)\b\s*:?\s*/g, minItems: 2 },
  { pattern: /\b(?<e>[a-z]\w*)\s*(?::|\s[-–—]\s)\s*/g, minItems: 2, namesEntity: true, afterNoun: true },
  { pattern: /\b(?:with|including|z|ze)\s+/g, minItems: 2, afterNoun: true },
];

/** App words a record's name stands next to ("Accident register", "Dziennik wypadków"). */
export const APP_NOUN_EN = /\b(?:log|logs|register|registry|tracker|list|database|db|catalog|catalogue|inventory|sheet|journal|book|form|survey|questionnaire|api|service|app|tool|dashboard|directory|record|records)\b/g;
export const APP_NOUN_PL = /\b(?:dziennik\w*|rejestr\w*|ewidencj\w*|list[aeyi]|baz[aeyi]|katalog\w*|spis\w*|wykaz\w*|formularz\w*|ankiet\w*|zestawieni\w*|panel\w*)\b/g;

/** "tasks (title, status, due date)": a parenthesised list after a noun names an entity's fields. */
export const PAREN_ENTITY = /\b(?<e>[a-z]\w*(?:\s+[a-z]\w*)?)\s*\((?<list>[^()]{1,400}(?:\([^()]{0,200}\)[^()]{0,400})*)\)/g;

/** Nouns whose parenthesised list is a set of values, not fields ("status (open, closed)"). */
export const ENUM_NOUNS = /(?:^|\s)(?:status|state|type|kind|category|priority|level|stage|severity|size|rodzaj\w*|typ\w*|kategori\w*|priorytet\w*|stan\w*|etap\w*|poziom\w*|rozmiar\w*|pilnosc\w*|waznosc\w*)$/;

/** Words that are not the entity in "a form for …", "API do zarządzania …". */
export const ENTITY_STOP = new RegExp(
  '^(?:' +
    [
      'fields?|columns?|attributes?|properties|note|example|e\\.g|pol[ae]|polami|kolumn\\w*|np|a|an|the|for|of|to|with|and|or|my|our|your|their|its|this|that|these|those|which|who|where|some|all|each|every|one|new|simple|small|quick|little|tiny|basic|internal|online|web|company|team|just|also|please',
      'app|apps|application|api|apis|rest|restful|crud|service|backend|form|forms|survey|questionnaire|dashboard|panel|tool|system|page|website|site|portal|tracker|manager|list|table|database|db|register|registry|log|catalog|catalogue|csv|file|files|spreadsheet|excel',
      'manage|managing|management|track|tracking|store|storing|keep|keeps|collect|collecting|handle|handles|handling|allows|lets|build|create|make|need|want|record|records|entry|entries|data|information|details|i|we|me|us|you|is|are|be|should|can|will|it|let|people|where|when|so|reads?|uses?|takes?|loads?|imports?|process(?:es)?|contains?|shows?|lists?|has|have|gets?|fetch(?:es)?|pulls?|czyta\\w*|wczytuj\\w*|pobiera\\w*',
      'i|w|we|z|ze|do|dla|na|o|od|po|przez|oraz|lub|albo|mi|nam|moj\\w*|nasz\\w*|prost\\w*|mal\\w*|now\\w*|aplikacj\\w*|formularz\\w*|ankiet\\w*|panel\\w*|usług\\w*|uslug\\w*|serwis\\w*|narzedzi\\w*|system\\w*|stron\\w*|rejestr\\w*|list\\w*|baz\\w*|ewidencj\\w*|katalog\\w*',
      'zarzadza\\w*|sledz\\w*|obslug\\w*|zbiera\\w*|rejestrowani\\w*|ktor\\w*|potrzebuj\\w*|chce|chcemy|zrob\\w*|stworz\\w*|prosze|dane|danych|informacj\\w*|wpis\\w*|rekord\\w*|dashboard\\w*|wykres\\w*|pulpit\\w*|plik\\w*|arkusz\\w*|raport\\w*|firm\\w*|wewnetrzn\\w*|jest|sa|byc|to|ten|ta|te|ktory|gdzie|nazwie|nazwa|called|named',
    ].join('|') +
    ')$',
);

/** Phrases after which the entity is named without fields ("API for managing books"). */
export const ENTITY_CUES = /\b(?:for|of|formularz\w*|ankiet\w*|manage|managing|track|tracking|store|storing|do\s+(?:zarzadzania|sledzenia|obslugi|rejestrowania|ewidencji|rezerwacji|zglaszania)|dla|rejestr|lista|listy|ewidencj\w*|katalog\w*|baz\w*)\s+/g;

/** Items that are clauses, not field names. */
export const ITEM_REJECT =
  /\b(?:send\w*|e-?mail\s+(?:me|us|it)|notif\w*|remind\w*|post(?:s|ing)?|sav(?:e|es|ing)|export\w*|writ(?:e|es|ing)|runs?|show\w*|display\w*|remov\w*|delet\w*|merg\w*|aggregat\w*|login|log\s+in|sign\s+in|sso|single\s+sign|api\s+key|dashboard|chart|graph|every|daily|weekly|monthly|hourly|schedule|please|should|would|could|which|that|users?\s+can|people\s+can|wysl\w*|wysyl\w*|powiadom\w*|przypomn\w*|zapisz\w*|eksportuj\w*|logowani\w*|zaloguj\w*|klucz\w*\s+(?:api|dostepu)|wykres\w*|codziennie|co\s+tydzien|prosze|ktor\w*|zeby|aby|api|form|formularz\w*|panel\w*)\b/;

/** Where an item turns into the next clause; the list ends there. */
export const ITEM_CUT = /\s(?:so|that|which|where|when|every|each|from(?!\s*$)|via|using|then|while|because|per|for|in\s+order|ktor\w*|gdzie|zeby|aby|kiedy|co|kazd\w*|potem|nastepnie|przez|bo|jesli|dla)\b/;

/** Conjunctions that separate items ("name, email and phone"). */
export const ITEM_JOIN = /\s+(?:and|&|i|oraz|as\s+well\s+as|plus)\s+/g;
/** Phrases whose conjunction is part of one field ("date and time", "imię i nazwisko"). */
export const ITEM_PROTECTED = /\b(?:date\s+(?:and|&)\s+time|dat\w*\s+i\s+(?:godzin\w*|czas\w*)|imi\w*\s+i\s+nazwisk\w*|terms\s+and\s+conditions)\b/g;

/** A verb leading a list item in a sentence ("lets people pick a slot", "wybierają warsztat"). */
export const ITEM_VERB =
  /^(?:(?:lets?|allows?)\s+(?:people|users|them|staff|employees|guests)\s+(?:to\s+)?)?(?:choose|chooses|pick|picks|select|selects|enter|enters|give|gives|provide|provides|upload|uploads|attach|attaches|wybiera\w*|wybierz\w*|podaj\w*|podaje|wpisuj\w*|zaznacza\w*|dolacza\w*|zalacza\w*)\s+/;

/** Leading words that are not part of a field name. */
export const ITEM_LEAD = /^(?:(?:a|an|the|their|its|his|her|our|your|also|plus|jego|jej|ich|swoj\w*|tez|rowniez|takze|jakis|jakas|opcjonalnie)\s+)+/;

/** Field names that are plain strings but clearly fields (so "with title and author" is a list). */
export const COMMON_FIELDS = /^(?:names?|title|author|isbn|sku|code|status|address|company|department|location|category|priority|owner|assignee|city|country|region|product|customer|room|team|role|position|manager|supplier|vendor|project|subject|topic|type|brand|model|colou?r|size|tags?|nazw\w*|tytul\w*|autor\w*|kod\w*|status\w*|adres\w*|firm\w*|dzial\w*|lokalizacj\w*|kategori\w*|priorytet\w*|wlasciciel\w*|miast\w*|kraj\w*|region\w*|produkt\w*|klient\w*|sal[aeiy]|pokoj\w*|zespol\w*|rol[aei]|stanowisk\w*|temat\w*|typ\w*|model\w*|kolor\w*|rozmiar\w*)$/;
