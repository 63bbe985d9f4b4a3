import { readFileSync } from 'node:fs';

const cache = new Map<string, string>();

/** Source text of a template file, by path relative to this package's `src/` directory. */
export function readTemplate(path: string): string {
  let text = cache.get(path);
  if (text === undefined) {
    text = readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
    cache.set(path, text);
  }
  return text;
}

/** The shared library modules every kind can use, copied to `src/lib/` of the app. */
export const LIBRARIES = ['auth', 'config', 'csv-export', 'csv-read', 'files', 'html', 'http', 'i18n', 'log', 'mail', 'mcp', 'notify', 'runs', 'schedule', 'sources', 'store', 'validate'] as const;
export type Library = (typeof LIBRARIES)[number];

/** Libraries every app gets, whatever its kind. */
export const BASE_LIBRARIES: readonly Library[] = ['auth', 'config', 'files', 'html', 'http', 'i18n', 'log'];

/** What each library imports from the others, so an app gets a closed set. */
const LIBRARY_IMPORTS: Partial<Record<Library, Library[]>> = {
  notify: ['files', 'i18n', 'mail'],
  mcp: ['i18n', 'sources'],
  runs: ['files'],
  schedule: ['log'],
  sources: ['csv-read', 'files', 'i18n'],
  store: ['files'],
  html: ['i18n'],
  http: ['i18n', 'log'],
  auth: ['http', 'i18n'],
  validate: ['i18n'],
};

export function withDependencies(libraries: readonly Library[]): Library[] {
  const result = new Set<Library>();
  const visit = (library: Library): void => {
    if (result.has(library)) return;
    result.add(library);
    for (const dependency of LIBRARY_IMPORTS[library] ?? []) visit(dependency);
  };
  for (const library of [...BASE_LIBRARIES, ...libraries]) visit(library);
  return [...result].sort();
}
