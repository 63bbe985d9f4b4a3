import type { AppKind } from '../../app-spec.js';
import type { Language } from '../detect-language.js';

/** The slots the conversation can ask about, in the order questions are asked. */
export const SLOTS = ['summary', 'kind', 'entities', 'sources', 'sources.path', 'sources.url', 'schedule', 'outputs', 'outputs.target'] as const;
export type Slot = (typeof SLOTS)[number];

export interface QuestionContext {
  kind: AppKind;
  entity?: string;
  rejectedPath?: string;
  rejectedUrl?: string;
  unsupportedSchedule?: string;
  webhookFor?: string;
}

type Asker = (c: QuestionContext) => string;

const KIND_NAMES: Record<Language, Record<AppKind, string>> = {
  en: { 'api-service': 'an API', 'web-dashboard': 'a dashboard', 'form-app': 'a form', automation: 'a scheduled automation', 'data-tool': 'a data tool' },
  pl: { 'api-service': 'API', 'web-dashboard': 'panel z wykresami', 'form-app': 'formularz', automation: 'automatyzacja według harmonogramu', 'data-tool': 'narzędzie do danych' },
};

/** One follow-up question per slot and language; context makes it specific. */
export const QUESTIONS: Record<Language, Record<Slot, Asker>> = {
  en: {
    summary: () => 'What should the app do? Describe it in a sentence or two, e.g. "a form where employees book meeting rooms".',
    kind: () => 'What kind of app is it: a form, a dashboard, an API, a scheduled automation or a data tool?',
    entities: (c) =>
      c.entity
        ? `What should ${article(humanise(c.entity))} ${humanise(c.entity)} record contain? List the fields, e.g. "fields: name, email, start date".`
        : c.kind === 'form-app'
          ? 'What should the form ask for? List the fields, e.g. "fields: name, email, start date".'
          : 'What data should it keep? List the fields, e.g. "fields: name, email, start date".',
    sources: (c) =>
      c.rejectedPath
        ? `"${c.rejectedPath}" cannot be used: only a CSV file inside the app's data folder (e.g. "data/sales.csv") or a CSV file on your computer given by its full path (e.g. "/srv/exports/sales.csv") can be read. Which file should it read?`
        : c.rejectedUrl
          ? `"${c.rejectedUrl}" is not an http(s) address. Where should the data come from: an https:// URL, a CSV file such as "data/sales.csv", or a mailbox?`
          : 'Where does the data come from: a URL, a CSV file inside the app\'s data folder (e.g. "data/sales.csv"), an RSS feed or a mailbox?',
    'sources.path': (c) =>
      c.rejectedPath
        ? `"${c.rejectedPath}" cannot be used: give a CSV file inside the app's data folder (e.g. "data/sales.csv") or on your computer by its full path (e.g. "/srv/exports/sales.csv"). Which CSV file should it read?`
        : 'Which CSV file should it read? Give a path inside the app\'s data folder (e.g. "data/sales.csv") or the full path of a file on your computer (e.g. "/srv/exports/sales.csv").',
    'sources.url': () => 'What is the address (https://…) of the feed or API to read?',
    schedule: (c) =>
      c.unsupportedSchedule
        ? `I can't run it exactly "${c.unsupportedSchedule}". When should it run instead, e.g. "every Monday at 9:00", "on the 1st of every month" or "every 15 minutes"?`
        : 'When should it run? For example "every Monday at 9:00", "daily at 7:30" or "every 15 minutes".',
    outputs: () => 'Where should the results go: an e-mail address, a Slack/Teams webhook, a file or a dashboard?',
    'outputs.target': (c) => `What is the webhook URL${c.webhookFor ? ` for ${c.webhookFor}` : ''} (https://…)?`,
  },
  pl: {
    summary: () => 'Co ma robić aplikacja? Opisz ją w jednym–dwóch zdaniach, np. „formularz do rezerwacji sal konferencyjnych”.',
    kind: () => 'Jaki to ma być rodzaj aplikacji: formularz, panel z wykresami, API, automatyzacja według harmonogramu czy narzędzie do danych?',
    entities: (c) =>
      c.kind === 'form-app'
        ? 'O co ma pytać formularz? Wypisz pola, np. „pola: imię, e-mail, data rozpoczęcia”.'
        : 'Jakie dane ma przechowywać? Wypisz pola, np. „pola: imię, e-mail, data rozpoczęcia”.',
    sources: (c) =>
      c.rejectedPath
        ? `„${c.rejectedPath}” nie może zostać użyty: aplikacja czyta tylko plik CSV z katalogu danych (np. „data/sprzedaz.csv”) albo plik CSV na Twoim komputerze podany pełną ścieżką (np. „/srv/eksport/sprzedaz.csv”). Który plik ma czytać?`
        : c.rejectedUrl
          ? `„${c.rejectedUrl}” nie jest adresem http(s). Skąd mają pochodzić dane: adres https://, plik CSV jak „data/sprzedaz.csv” czy skrzynka pocztowa?`
          : 'Skąd mają pochodzić dane: adres URL, plik CSV z katalogu danych aplikacji (np. „data/sprzedaz.csv”), kanał RSS czy skrzynka pocztowa?',
    'sources.path': (c) =>
      c.rejectedPath
        ? `„${c.rejectedPath}” nie może zostać użyty: podaj plik CSV z katalogu danych aplikacji (np. „data/sprzedaz.csv”) albo z Twojego komputera pełną ścieżką (np. „/srv/eksport/sprzedaz.csv”). Który plik CSV ma czytać?`
        : 'Który plik CSV ma czytać? Podaj ścieżkę w katalogu danych aplikacji (np. „data/sprzedaz.csv”) albo pełną ścieżkę pliku na Twoim komputerze (np. „/srv/eksport/sprzedaz.csv”).',
    'sources.url': () => 'Jaki jest adres (https://…) kanału lub API, z którego ma czytać?',
    schedule: (c) =>
      c.unsupportedSchedule
        ? `Nie da się uruchamiać dokładnie „${c.unsupportedSchedule}”. Kiedy ma działać zamiast tego, np. „w każdy poniedziałek o 9:00”, „1. dnia każdego miesiąca” albo „co 15 minut”?`
        : 'Kiedy ma się uruchamiać? Na przykład „w każdy poniedziałek o 9:00”, „codziennie o 7:30” albo „co 15 minut”.',
    outputs: () => 'Gdzie mają trafiać wyniki: na adres e-mail, na webhook Slacka/Teams, do pliku czy na panel?',
    'outputs.target': (c) => `Jaki jest adres webhooka${c.webhookFor ? ` ${c.webhookFor}` : ''} (https://…)?`,
  },
};

export function kindName(kind: AppKind, language: Language): string {
  return KIND_NAMES[language][kind];
}

/** "a" or "an" before an English word, by its sound for the common cases ("an incident", "a user", "an hour"). */
export function article(word: string): 'a' | 'an' {
  const w = word.toLowerCase();
  if (/^(?:hour|honest|honou?r|heir)/.test(w)) return 'an';
  if (/^(?:uni|use|usu|ura|eu|one|once|ewe)/.test(w)) return 'a';
  return /^[aeiou]/.test(w) ? 'an' : 'a';
}

/** "vacationRequest" → "vacation request". */
function humanise(identifier: string): string {
  return identifier.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}
