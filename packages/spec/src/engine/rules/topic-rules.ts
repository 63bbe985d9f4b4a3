import type { AppKind } from '../../app-spec.js';

/**
 * For vague requests ("something for our vacations"): what people usually build for a topic.
 * Folded text, English and Polish; weights add to the kind scores from the words themselves.
 */
export const TOPIC_RULES: { pattern: RegExp; kinds: Partial<Record<AppKind, number>> }[] = [
  { pattern: /\b(?:vacation\w*|leave|holidays?|absence\w*|time\s+off|urlop\w*|nieobecnosc\w*|wolne)\b/, kinds: { 'form-app': 2, 'web-dashboard': 1 } },
  { pattern: /\b(?:expense\w*|receipts?|reimburse\w*|wydatk\w*|wydatek|koszt\w*|paragon\w*|delegacj\w*)\b/, kinds: { 'form-app': 2, 'data-tool': 1, 'web-dashboard': 1 } },
  { pattern: /\b(?:sales|revenue|kpis?|targets?|sprzedaz\w*|przychod\w*|wynik\w*)\b/, kinds: { 'web-dashboard': 2, 'data-tool': 1 } },
  { pattern: /\b(?:inventory|stock|equipment|laptops?|assets?|magazyn\w*|sprzet\w*|zasob\w*)\b/, kinds: { 'api-service': 2, 'web-dashboard': 1 } },
  { pattern: /\b(?:tickets?|issues?|bugs?|incidents?|helpdesk|support|awari\w*|zgloszen\w*|usterk\w*|incydent\w*)\b/, kinds: { 'form-app': 2, 'web-dashboard': 1 } },
  { pattern: /\b(?:onboarding|new\s+hires?|nowi\s+pracownicy|nowych\s+pracownikow|wdrozeni\w*)\b/, kinds: { automation: 2, 'form-app': 1 } },
  { pattern: /\b(?:rooms?|desks?|booking\w*|reserv\w*|sal[aeiy]?|biurk\w*|rezerwac\w*|parking\w*)\b/, kinds: { 'form-app': 2, 'api-service': 1 } },
  { pattern: /\b(?:remind\w*|deadlines?|renewals?|expir\w*|przypomn\w*|termin\w*|wygas\w*)\b/, kinds: { automation: 2 } },
  { pattern: /\b(?:reports?|excel|csv|spreadsheets?|raport\w*|arkusz\w*|zestawien\w*)\b/, kinds: { 'data-tool': 2, 'web-dashboard': 1 } },
  { pattern: /\b(?:customers?|clients?|crm|contacts?|leads?|klient\w*|kontrahent\w*|kontakt\w*)\b/, kinds: { 'api-service': 2, 'web-dashboard': 1 } },
  { pattern: /\b(?:news|rss|feeds?|monitor\w*|uptime|status\s+page|kanal\w*|wiadomosc\w*)\b/, kinds: { automation: 2, 'web-dashboard': 1 } },
  { pattern: /\b(?:feedback|survey\w*|poll\w*|opini\w*|ankiet\w*|glosowani\w*)\b/, kinds: { 'form-app': 2, 'web-dashboard': 1 } },
  { pattern: /\b(?:team|zespol\w*|dzial\w*|department)\b/, kinds: { 'form-app': 1, 'web-dashboard': 1 } },
];
