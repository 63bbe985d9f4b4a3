import type { AppKind } from '../../app-spec.js';
import type { Language } from '../detect-language.js';

/** "called Room Booker", "o nazwie Rezerwacje", "rename it to …": capture 1 is the name (folded text). */
export const NAME_PATTERNS: RegExp[] = [
  /\b(?:called|named|titled|name\s+it|call\s+it|rename\s+(?:it\s+)?to|the\s+name\s+(?:should\s+be|is))\s+["“'‘]?([^"”'’.,;:!?\n¤()]{2,60})/,
  /\b(?:o\s+nazwie|pod\s+nazwa|nazwan[aey]|nazwij\s+(?:to|ja|go|je)?|zmien\s+nazwe\s+na|nazwa\s*(?::|to|powinna\s+byc))\s+["„“'‘]?([^"”'’.,;:!?\n¤()]{2,60})/,
];
/** Where a captured name ends ("called Room Booker with fields …" → "Room Booker"). */
export const NAME_END = /\s(?:with|that|which|for|to|and|where|z|ze|do|dla|ktor\w*|i|oraz|gdzie)\b/;

/** Leading words of a request that are not its subject ("Please build me a …", "Potrzebuję …"). */
export const LEADING_FILLER: RegExp[] = [
  /^(?:(?:hi|hello|hey)\W+)?(?:please\s+)?(?:(?:(?:i|we)\s+)?(?:need|want|would\s+like|'d\s+like)\s+(?:you\s+to\s+)?|(?:can|could|would)\s+you\s+(?:please\s+)?|(?:i'm|i\s+am|we're|we\s+are)\s+looking\s+for\s+|let's\s+)?(?:(?:build|create|make|set\s+up|setup|write|develop|generate|give|prepare|get|design)\b\s*)?(?:(?:me|us)\b\s*)?(?:(?:a|an|the|some)\s+)?/,
  /^(?:(?:czesc|hej|dzien\s+dobry)\W+)?(?:prosze\s+(?:o\s+)?)?(?:(?:potrzebuje|potrzebujemy|chce|chcemy|chcialbym|chcialabym|chcielibysmy)\s+(?:miec\s+)?)?(?:(?:zrob|zrobcie|stworz|stworzcie|utworz|przygotuj|zbuduj|napisz|zaprojektuj)\b\s*(?:(?:mi|nam)\b\s*)?)?/,
  /^(?:send\b\s*(?:(?:me|us)\b\s*)?|(?:email|e-mail|mail|notify|remind|alert)\s+(?:me|us)\b\s*)(?:(?:a|an|the|about|of|to)\s+)*/,
  /^(?:wysl\w*|wysyl\w*|przypomin\w*|przypomn\w*|powiadom\w*)\s*(?:(?:mi|nam|mnie|nas)\b\s*)?(?:o\s+)?/,
  /^(?:to\s+)?(?:get|receive|see|have)\s+(?:(?:an?|the)\s+)?(?:(?:e-?mail|message|notification|summary)\s+(?:with|about|of|listing)\s+)?(?:(?:a|an|the)\s+)?/,
  /^(?:dostawac|otrzymywac|dostac|otrzymac|miec|widziec)\s+/,
];

/** Where a title ends: the start of a clause or a list. */
export const TITLE_END = /\s(?:with\s+(?:company\s+|corporate\s+)?(?:sso|single\s+sign|log\s*in|an?\s+api\s+key)|z\s+(?:logowani\w*|sso|kluczem)|na\s+(?:maila|e-?mail)|that|which|where|so\s+that|so|when|containing|including|using|from|via|z\s+polami|zawierajac\w*|ktor\w*|gdzie|zeby|aby|kiedy|e-?mailed|mailed|sent\s+(?:by|to|every)|delivered|wysylan\w*|przesylan\w*|and\s+(?:send|email|post|notify|save|write)|i\s+(?:wysl|wysyl|zapisz|powiadom)\w*)\b|[:(,;¤]|\s[-–]\s|[.!?](?:\s|$)|\n/;

/** Words left dangling at the end of a cut title. */
export const TITLE_TRAILING = /\s+(?:for|of|to|and|the|a|an|with|on|in|at|by|dla|do|z|ze|i|w|na|o|oraz|mi|od)$/;

/** Polish app words after "potrzebuję …" are in the genitive; the title wants the nominative. */
export const POLISH_NOMINATIVE: [RegExp, string][] = [
  [/^formularza(?=\s|$)/i, 'Formularz'],
  [/^ankietę(?=\s|$)/i, 'Ankieta'],
  [/^listę(?=\s|$)/i, 'Lista'],
  [/^aplikację(?=\s|$)/i, 'Aplikacja'],
  [/^stronę(?=\s|$)/i, 'Strona'],
  [/^bazę(?=\s|$)/i, 'Baza'],
  [/^automatyzację(?=\s|$)/i, 'Automatyzacja'],
  [/^usługę(?=\s|$)/i, 'Usługa'],
  [/^tabelę(?=\s|$)/i, 'Tabela'],
  [/^panelu(?=\s|$)/i, 'Panel'],
  [/^aplikacji(?=\s|$)/i, 'Aplikacja'],
  [/^narzędzia(?=\s|$)/i, 'Narzędzie'],
  [/^raportu(?=\s|$)/i, 'Raport'],
  [/^listy(?=\s|$)/i, 'Lista'],
  [/^systemu(?=\s|$)/i, 'System'],
  [/^rejestru(?=\s|$)/i, 'Rejestr'],
  [/^ankiety(?=\s|$)/i, 'Ankieta'],
  [/^bazy(?=\s|$)/i, 'Baza'],
  [/^strony(?=\s|$)/i, 'Strona'],
  [/^usługi(?=\s|$)/i, 'Usługa'],
  [/^automatyzacji(?=\s|$)/i, 'Automatyzacja'],
  [/^dashboardu(?=\s|$)/i, 'Dashboard'],
  [/^zestawienia(?=\s|$)/i, 'Zestawienie'],
  [/^przypomnienia(?=\s|$)/i, 'Przypomnienie'],
  [/^powiadomienia(?=\s|$)/i, 'Powiadomienie'],
  [/^wykresu(?=\s|$)/i, 'Wykres'],
  [/^pulpitu(?=\s|$)/i, 'Pulpit'],
];

/** Words left out of slugs. */
export const SLUG_STOP = new Set([
  'a', 'an', 'the', 'for', 'of', 'to', 'me', 'my', 'our', 'and', 'with', 'on', 'in', 'at', 'by', 'please', 'simple', 'small', 'new', 'app', 'application',
  'i', 'do', 'dla', 'z', 'ze', 'na', 'w', 'mi', 'o', 'oraz', 'prosty', 'prosta', 'proste', 'maly', 'mala', 'nowy', 'nowa', 'aplikacja',
]);

/** A title when the request gives nothing better. */
export const KIND_TITLES: Record<Language, Record<AppKind, string>> = {
  en: { 'api-service': 'API service', 'web-dashboard': 'Dashboard', 'form-app': 'Form', automation: 'Automation', 'data-tool': 'Data tool' },
  pl: { 'api-service': 'Usługa API', 'web-dashboard': 'Panel', 'form-app': 'Formularz', automation: 'Automatyzacja', 'data-tool': 'Narzędzie do danych' },
};
export const NEW_APP_TITLE: Record<Language, string> = { en: 'New app', pl: 'Nowa aplikacja' };

/** Leading words of a derived English title that say nothing ("Small tool to …", "an app for …"); folded. */
export const TITLE_GENERIC_EN =
  /^(?:(?:small|simple|little|quick|tiny|basic|new|internal|mini|our|my|a|an|the|some)\s+)*(?:(?:tool|app|application|thing|something|system|way|place|program|page|website|site)\s+(?:to|for|that|which|where|we\s+can\s+use\s+to)\s+)?/;
/** The same in Polish ("Czegoś do …", "Prosta aplikacja do …"). */
export const TITLE_GENERIC_PL =
  /^(?:(?:czegos|cos|jakies|jakis|jakiegos|mal\w*|prost\w*|now\w*)\s+)*(?:(?:narzedzi\w*|aplikacj\w*|system\w*|program\w*|stron\w*)\s+)?(?:(?:do|dla|zeby|aby)\s+)?/;
/** A title that starts with a verb becomes a noun phrase: "keep track of laptops" → "Laptop tracker". */
export const TITLE_VERBS_EN: [RegExp, string][] = [
  [/^(?:keep(?:ing)?\s+track\s+of|track(?:ing)?|log(?:ging)?)\s+/, 'tracker'],
  [/^(?:manag(?:e|ing)|organi[sz](?:e|ing)|administer)\s+/, 'manager'],
  [/^(?:book(?:ing)?|reserv(?:e|ing))\s+/, 'booking'],
  [/^(?:stor(?:e|ing)|record(?:ing)?|register(?:ing)?|keep(?:ing)?)\s+/, 'register'],
  [/^(?:collect(?:ing)?|gather(?:ing)?)\s+/, 'collection'],
  [/^(?:watch(?:ing)?|monitor(?:ing)?)\s+/, 'monitor'],
  [/^(?:plan(?:ning)?|schedul(?:e|ing))\s+/, 'planner'],
  [/^(?:see|view|show|display|visuali[sz]e)\s+/, ''],
];

/** Polish names of common records, for labels ("Wniosek urlopowy"); anything else keeps its identifier's words. */
export const ENTITY_LABELS_PL: Record<string, string> = {
  employee: 'Pracownik', laptop: 'Laptop', computer: 'Komputer', training: 'Szkolenie', course: 'Kurs', accident: 'Wypadek', order: 'Zamówienie',
  product: 'Produkt', customer: 'Klient', invoice: 'Faktura', project: 'Projekt', task: 'Zadanie', booking: 'Rezerwacja', submission: 'Zgłoszenie',
  request: 'Wniosek', leaveRequest: 'Wniosek urlopowy', meeting: 'Spotkanie', event: 'Wydarzenie', participant: 'Uczestnik', book: 'Książka',
  car: 'Samochód', equipment: 'Sprzęt', supplier: 'Dostawca', contact: 'Kontakt', document: 'Dokument', contract: 'Umowa', expense: 'Wydatek',
  incident: 'Incydent', bug: 'Błąd', team: 'Zespół', department: 'Dział', item: 'Pozycja', guest: 'Gość', room: 'Sala', conferenceRoom: 'Sala konferencyjna',
  idea: 'Pomysł', fault: 'Usterka', row: 'Wiersz', record: 'Rekord', person: 'Osoba', patient: 'Pacjent', student: 'Uczeń', visit: 'Wizyta',
  businessTrip: 'Delegacja', note: 'Notatka', announcement: 'Ogłoszenie', shift: 'Dyżur', response: 'Odpowiedź',
};
