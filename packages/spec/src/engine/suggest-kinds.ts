import { APP_KINDS, type AppKind } from '../app-spec.js';
import { analyseMessage } from './analyse-message.js';
import type { Language } from './detect-language.js';
import { orderKinds } from './extract-kind.js';
import { checkOptions, checkText, type ExtractOptions } from './extract-spec.js';
import { prepareText } from './prepare-text.js';
import { TOPIC_RULES } from './rules/topic-rules.js';

export type Complexity = 'low' | 'medium' | 'high';

export interface KindSuggestion {
  kind: AppKind;
  /** Why this kind fits, in the request's language. */
  reason: string;
  complexity: Complexity;
}

const WHAT: Record<Language, Record<AppKind, string>> = {
  en: {
    'form-app': 'A form: people fill it in, you review the entries in a list',
    'web-dashboard': 'A dashboard: charts and tables over your data, always up to date',
    automation: 'A scheduled automation: it runs by itself and sends the result by e-mail or to a chat',
    'api-service': 'An API with a simple admin: other tools and people can add, change and look up records',
    'data-tool': 'A data tool: it reads files or feeds, combines them and produces a report',
  },
  pl: {
    'form-app': 'Formularz: ludzie go wypełniają, a Ty przeglądasz zgłoszenia na liście',
    'web-dashboard': 'Panel z wykresami: wykresy i tabele z Twoich danych, zawsze aktualne',
    automation: 'Automatyzacja: działa sama według harmonogramu i wysyła wynik mailem lub na czat',
    'api-service': 'API z prostym panelem: inne narzędzia i ludzie mogą dodawać, zmieniać i wyszukiwać rekordy',
    'data-tool': 'Narzędzie do danych: czyta pliki lub kanały, łączy je i tworzy raport',
  },
};
const MENTIONED: Record<Language, (words: string[]) => string> = {
  en: (words) => ` (you mentioned ${words.map((w) => `“${w}”`).join(', ')})`,
  pl: (words) => ` (wspomniano ${words.map((w) => `„${w}”`).join(', ')})`,
};
const HINT_WORDS: Record<Language, Record<string, string>> = {
  en: { schedule: 'a schedule', csv: 'a CSV file', feed: 'a feed or mailbox', notify: 'sending results', file: 'writing a file', records: 'fields to keep' },
  pl: { schedule: 'harmonogram', csv: 'plik CSV', feed: 'kanał lub skrzynkę', notify: 'wysyłanie wyników', file: 'zapis do pliku', records: 'pola do zapisania' },
};
const DEFAULT_ORDER: AppKind[] = ['form-app', 'web-dashboard', 'automation', 'api-service', 'data-tool'];
const BASE_COMPLEXITY: Record<AppKind, number> = { 'form-app': 0, automation: 0, 'web-dashboard': 1, 'data-tool': 1, 'api-service': 1 };
const COMPLEXITY: Complexity[] = ['low', 'medium', 'high'];

/**
 * Two or three kinds of app that could answer a (possibly vague) request, best first, each with a
 * short reason and an estimated complexity. Deterministic.
 */
export function suggestKinds(text: string, options: ExtractOptions = {}): KindSuggestion[] {
  checkText(text, 'The request');
  checkOptions(options);
  const analysis = analyseMessage(text, options.language ? { language: options.language } : {});
  const language = analysis.language;
  const original = prepareText(text).text;
  const scores = { ...analysis.kind.scores };
  const first = Object.fromEntries(APP_KINDS.map((k) => [k, Number.POSITIVE_INFINITY])) as Record<AppKind, number>;
  const words = Object.fromEntries(APP_KINDS.map((k) => [k, [] as string[]])) as Record<AppKind, string[]>;
  const note = (kind: AppKind, word: string, index: number): void => {
    first[kind] = Math.min(first[kind], index);
    if (words[kind].length < 2 && !words[kind].includes(word)) words[kind].push(word);
  };
  for (const e of analysis.kind.evidence) {
    const word = HINT_WORDS[language][e.word] ?? original.slice(e.index, e.index + e.word.length).trim();
    note(e.kind, word, e.index);
  }
  for (const topic of TOPIC_RULES) {
    const m = topic.pattern.exec(analysis.locations.foldedMasked);
    if (!m) continue;
    for (const [kind, weight] of Object.entries(topic.kinds) as [AppKind, number][]) {
      scores[kind] += weight;
      note(kind, original.slice(m.index, m.index + m[0].length), m.index);
    }
  }
  const ranked = orderKinds(scores, first);
  const withEvidence = ranked.filter((k) => scores[k] > 0).slice(0, 3);
  const wanted = withEvidence.length === 0 ? 3 : Math.max(2, withEvidence.length);
  const chosen = [...withEvidence];
  for (const kind of DEFAULT_ORDER) if (chosen.length < wanted && !chosen.includes(kind)) chosen.push(kind);

  const entityCount = analysis.entities.lists.length;
  const fieldCount = analysis.entities.lists.reduce((n, l) => n + l.fields.length, 0);
  const externalSources = analysis.locations.sources.filter((s) => s.type !== 'csv').length;
  const extra = (entityCount > 2 || fieldCount > 12 ? 1 : 0) + (externalSources > 1 || analysis.locations.sources.length > 2 ? 1 : 0) + (analysis.auth === 'sso' ? 1 : 0);
  return chosen.map((kind) => ({
    kind,
    reason: `${WHAT[language][kind]}${words[kind].length > 0 ? MENTIONED[language](words[kind]) : ''}.`,
    complexity: COMPLEXITY[Math.min(2, BASE_COMPLEXITY[kind] + extra)]!,
  }));
}
