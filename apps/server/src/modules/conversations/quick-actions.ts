import type { AppSpec, KindSuggestion, Language } from '@marketplace/spec';
import type { SimilarApp } from './similar-apps.js';

export interface QuickAction {
  /** `build`, `change-schedule`, `use-template:<kind>`, `show-spec`, `open-app:<id>`, `show-request:<id>`, `deploy:<appId>`. */
  id: string;
  label: string;
  /** What the client sends as the next message (or the route to call) when the action is chosen. */
  message?: string;
}

const LABELS = {
  en: { build: 'Build this app', schedule: 'Change schedule', spec: 'Show the spec', template: (k: string) => `Use template ${k}`, open: (t: string) => `Open ${t}`, request: 'Show build progress', deploy: (t: string) => `Deploy ${t}` },
  pl: { build: 'Zbuduj tę aplikację', schedule: 'Zmień harmonogram', spec: 'Pokaż specyfikację', template: (k: string) => `Użyj szablonu ${k}`, open: (t: string) => `Otwórz ${t}`, request: 'Pokaż postęp budowania', deploy: (t: string) => `Wdróż ${t}` },
};

const KIND_WORDS: Record<Language, Record<string, string>> = {
  en: { 'form-app': 'make it a form', 'web-dashboard': 'make it a dashboard', automation: 'make it a scheduled automation', 'api-service': 'make it an API', 'data-tool': 'make it a data tool' },
  pl: { 'form-app': 'niech to będzie formularz', 'web-dashboard': 'niech to będzie panel z wykresami', automation: 'niech to będzie automatyzacja', 'api-service': 'niech to będzie API', 'data-tool': 'niech to będzie narzędzie do danych' },
};

export function specActions(language: Language, spec: AppSpec, missing: string[], suggestions: KindSuggestion[], similar: SimilarApp[]): QuickAction[] {
  const l = LABELS[language];
  const actions: QuickAction[] = [];
  if (!missing.length) actions.push({ id: 'build', label: l.build, message: language === 'pl' ? 'zbuduj' : 'build it' });
  if (spec.schedule || spec.kind === 'automation' || spec.kind === 'data-tool') actions.push({ id: 'change-schedule', label: l.schedule, message: language === 'pl' ? 'zmień harmonogram na ' : 'change the schedule to ' });
  for (const suggestion of suggestions) actions.push({ id: `use-template:${suggestion.kind}`, label: l.template(suggestion.kind), message: KIND_WORDS[language][suggestion.kind] });
  for (const app of similar) actions.push({ id: `open-app:${app.id}`, label: l.open(app.title) });
  actions.push({ id: 'show-spec', label: l.spec });
  return actions;
}

export function requestActions(language: Language, requestId: string): QuickAction[] {
  return [{ id: `show-request:${requestId}`, label: LABELS[language].request }];
}

export function deployAction(language: Language, app: { id: string; title: string }): QuickAction {
  return { id: `deploy:${app.id}`, label: LABELS[language].deploy(app.title) };
}
