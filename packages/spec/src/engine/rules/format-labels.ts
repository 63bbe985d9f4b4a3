import type { AppKind, FieldType, Output, Source } from '../../app-spec.js';
import type { Language } from '../detect-language.js';
import type { Slot } from './questions.js';

interface Labels {
  kind: Record<AppKind, string>;
  type: Record<FieldType, string>;
  slot: Record<Slot, string>;
  source: Record<Source['type'], string>;
  output: Record<Output['type'], string>;
  auth: Record<'none' | 'sso' | 'api-key', string>;
  headings: { kind: string; summary: string; data: string; schedule: string; sources: string; outputs: string; access: string; missing: string; emailToYou: string; required: string; readOnly: string };
}

/** Words formatSpec uses, per language. */
export const FORMAT_LABELS: Record<Language, Labels> = {
  en: {
    kind: { 'api-service': 'API service', 'web-dashboard': 'Web dashboard', 'form-app': 'Form', automation: 'Scheduled automation', 'data-tool': 'Data tool' },
    type: { string: 'text', text: 'long text', number: 'number', integer: 'whole number', boolean: 'yes/no', date: 'date', datetime: 'date and time', email: 'e-mail', url: 'link', enum: 'one of' },
    slot: {
      summary: 'what the app does', kind: 'kind of app', entities: 'fields', sources: 'data source', 'sources.path': 'CSV file path',
      'sources.url': 'feed or API address', schedule: 'schedule', outputs: 'where results go', 'outputs.target': 'webhook URL',
    },
    source: { 'http-json': 'JSON from', rss: 'RSS feed', csv: 'CSV file', imap: 'mailbox (IMAP)' },
    output: { email: 'e-mail to', webhook: 'webhook', file: 'file', dashboard: 'dashboard' },
    auth: { none: 'public, no login', sso: 'company single sign-on (SSO)', 'api-key': 'API key' },
    headings: { kind: 'Kind', summary: 'Summary', data: 'Data', schedule: 'Schedule', sources: 'Sources', outputs: 'Outputs', access: 'Access', missing: 'Still needed', emailToYou: 'you', required: 'required', readOnly: 'read-only, on your computer' },
  },
  pl: {
    kind: { 'api-service': 'Usługa API', 'web-dashboard': 'Panel z wykresami', 'form-app': 'Formularz', automation: 'Automatyzacja według harmonogramu', 'data-tool': 'Narzędzie do danych' },
    type: { string: 'tekst', text: 'długi tekst', number: 'liczba', integer: 'liczba całkowita', boolean: 'tak/nie', date: 'data', datetime: 'data i godzina', email: 'e-mail', url: 'link', enum: 'jedno z' },
    slot: {
      summary: 'opis działania', kind: 'rodzaj aplikacji', entities: 'pola', sources: 'źródło danych', 'sources.path': 'ścieżka pliku CSV',
      'sources.url': 'adres kanału lub API', schedule: 'harmonogram', outputs: 'gdzie trafiają wyniki', 'outputs.target': 'adres webhooka',
    },
    source: { 'http-json': 'JSON z', rss: 'kanał RSS', csv: 'plik CSV', imap: 'skrzynka pocztowa (IMAP)' },
    output: { email: 'e-mail do', webhook: 'webhook', file: 'plik', dashboard: 'panel' },
    auth: { none: 'publiczna, bez logowania', sso: 'firmowe logowanie (SSO)', 'api-key': 'klucz API' },
    headings: { kind: 'Rodzaj', summary: 'Opis', data: 'Dane', schedule: 'Harmonogram', sources: 'Źródła', outputs: 'Wyniki', access: 'Dostęp', missing: 'Brakuje', emailToYou: 'Ciebie', required: 'wymagane', readOnly: 'tylko do odczytu, na Twoim komputerze' },
  },
};
