import pluralize from 'pluralize';
import type { AppSpec, Entity } from '../app-spec.js';
import type { Language } from './detect-language.js';
import { describeSchedule } from './describe-schedule.js';
import { fold } from './prepare-text.js';
import { ENTITY_LABELS_PL, TITLE_GENERIC_EN, TITLE_GENERIC_PL, TITLE_VERBS_EN } from './rules/naming-rules.js';
import { capitalise } from './tokenize.js';

/** "vacationRequest" → "vacation request". */
export function humanise(identifier: string): string {
  return identifier.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** How people call one record, in the app's language: "Laptop", "Wniosek urlopowy". */
export function entityLabelFor(name: string, language: Language): string {
  return (language === 'pl' ? ENTITY_LABELS_PL[name] : undefined) ?? capitalise(humanise(name));
}

function singularPhrase(phrase: string): string {
  const words = phrase.split(/\s+/);
  words[words.length - 1] = pluralize.singular(words[words.length - 1]!);
  return words.join(' ');
}

/** Polish genitive gerunds and nouns after "do …" back to the nominative ("planowania" → "Planowanie"). */
function polishNominative(word: string): string {
  if (/(?:ani|eni|ci)a$/i.test(word)) return word.slice(0, -1) + 'e';
  if (/(?:ug|ek)i$/i.test(word)) return word.slice(0, -1) + 'a';
  if (/cji$/i.test(word)) return word.slice(0, -1) + 'a';
  return word;
}

/**
 * A title that is a short noun phrase, from the words a request opened with: "Small tool to keep
 * track of laptops" → "Laptop tracker", "Czegoś do planowania urlopów w zespole" → "Planowanie urlopów".
 * Titles that already are noun phrases are kept.
 */
export function nounPhraseTitle(title: string, language: Language): string {
  let words = title.split(/\s+/).filter(Boolean);
  const generic = language === 'pl' ? TITLE_GENERIC_PL : TITLE_GENERIC_EN;
  let changed = false;
  for (let guard = 0; guard < 4; guard++) {
    const m = generic.exec(fold(words.join(' ')));
    if (!m || m[0].length === 0) break;
    const drop = m[0].trim().split(/\s+/).length;
    if (drop >= words.length) break;
    words = words.slice(drop);
    changed = true;
  }
  const verb = language === 'en' && TITLE_VERBS_EN.some(([pattern]) => pattern.test(fold(words.join(' '))));
  if (!changed && !verb && words.length <= 5) return title;
  if (!changed && !verb && words.length > 5) words = words.filter((word, i) => i === 0 || !/^(?:our|my|the|a|an|their|nasz\w*|moj\w*)$/i.test(word));
  let phrase = words.join(' ');
  if (language === 'en') {
    for (const [pattern, suffix] of TITLE_VERBS_EN) {
      const m = pattern.exec(fold(phrase));
      if (!m) continue;
      const object = phrase.slice(m[0].length).replace(/^(?:(?:our|the|my|all|their|a|an)\s+)+/i, '').split(/\s+(?:in|on|at|for|with|by|from|of)\s+/i)[0]!;
      phrase = suffix ? `${singularPhrase(object)} ${suffix}` : object;
      break;
    }
  } else if (changed) {
    const parts = phrase.split(/\s+/);
    parts[0] = polishNominative(parts[0]!);
    phrase = parts.join(' ').replace(/\s+(?:w|we|na|dla|z|ze|u|przy|do)\s+\S+$/i, '');
  }
  // Long titles lose their possessives and articles first, then their tail.
  let cut = phrase.split(/\s+/);
  if (cut.length > 5) cut = cut.filter((word, i) => i === 0 || !/^(?:our|my|the|a|an|their|nasz\w*|moj\w*)$/i.test(word));
  phrase = cut.slice(0, 6).join(' ');
  return capitalise(phrase.replace(/[\s,.;:!?-]+$/, ''));
}

const WORDS = {
  en: {
    kind: { 'form-app': 'a form', 'api-service': 'an API', 'web-dashboard': 'a dashboard', automation: 'an automation', 'data-tool': 'a data tool' },
    keeps: (entity: string, fields: string) => ` that keeps ${entity} records${fields ? ` (${fields})` : ''}`,
    collects: (fields: string) => (fields ? ` that asks for ${fields}` : ''),
    reads: (what: string, _kind: AppSpec['kind']) => ` reading ${what}`,
    sends: (what: string) => `, sending the results ${what}`,
    runs: (when: string) => `, run ${when}`,
    csv: 'a CSV file',
    url: 'data from the web',
    feed: 'a news feed',
    mailbox: 'a mailbox',
    output: { email: 'by e-mail', webhook: 'to a chat channel', file: 'to a file', dashboard: 'to a dashboard' },
  },
  pl: {
    kind: { 'form-app': 'formularz', 'api-service': 'API', 'web-dashboard': 'panel', automation: 'automatyzacja', 'data-tool': 'narzędzie do danych' },
    keeps: (entity: string, fields: string) => ` przechowujące rekordy „${entity}”${fields ? ` (${fields})` : ''}`,
    collects: (fields: string) => (fields ? `, który pyta o: ${fields}` : ''),
    // the relative pronoun agrees with the kind's noun: formularz, panel (który), API, narzędzie (które), automatyzacja (która)
    reads: (what: string, kind: AppSpec['kind']) => `, ${{ 'form-app': 'który', 'web-dashboard': 'który', 'api-service': 'które', 'data-tool': 'które', automation: 'która' }[kind]} czyta ${what}`,
    sends: (what: string) => `; wyniki trafiają ${what}`,
    runs: (when: string) => `; działa ${when}`,
    csv: 'plik CSV',
    url: 'dane z sieci',
    feed: 'kanał wiadomości',
    mailbox: 'skrzynkę pocztową',
    output: { email: 'e-mailem', webhook: 'na kanał czatu', file: 'do pliku', dashboard: 'na panel' },
  },
} as const;

function fieldList(entity: Entity | undefined): string {
  if (!entity) return '';
  const labels = entity.fields.map((f) => (f.label ?? humanise(f.name)).toLowerCase());
  return labels.length > 4 ? `${labels.slice(0, 4).join(', ')}, …` : labels.join(', ');
}

/** One sentence saying what the app does, built from the draft (not the raw request). */
export function summarise(spec: AppSpec, language: Language): string {
  const w = WORDS[language];
  const entity = spec.entities?.[0];
  let sentence: string = w.kind[spec.kind];
  if (spec.kind === 'form-app') sentence += w.collects(fieldList(entity));
  else if (spec.kind === 'api-service' && entity) sentence += w.keeps(language === 'en' ? humanise(entity.name) : (entity.label ?? humanise(entity.name)), fieldList(entity));
  const source = spec.sources?.[0];
  if (source) sentence += w.reads(source.type === 'csv' ? `${w.csv}${source.path || source.workstationPath ? ` ${source.path ?? source.workstationPath}` : ''}` : source.type === 'rss' ? w.feed : source.type === 'imap' ? w.mailbox : w.url, spec.kind);
  if (spec.schedule) {
    try {
      const when = describeSchedule(spec.schedule.cron, language);
      // lower-case only where the sentence continues: English day and month names keep their capitals
      sentence += w.runs(when.charAt(0).toLocaleLowerCase(language) + when.slice(1));
    } catch {
      // An unreadable cron leaves the schedule out of the sentence; the spec still says it.
    }
  }
  const outputs = (spec.outputs ?? []).filter((o) => o.type !== 'dashboard' || spec.kind !== 'web-dashboard');
  if (outputs.length > 0) sentence += w.sends([...new Set(outputs.map((o) => w.output[o.type]))].join(language === 'pl' ? ' i ' : ' and '));
  const text = fold(spec.title) === fold(w.kind[spec.kind]).replace(/^an?\s+/, '') ? capitalise(sentence) : `${spec.title}: ${sentence}`;
  return (/[.…]$/.test(text) ? text : `${text}.`).slice(0, 400);
}

/** How a catalog tag says the kind, a source, an output and a schedule, in the app's language. */
const TAG_WORDS = {
  en: {
    kind: { 'form-app': 'form', 'api-service': 'API', 'web-dashboard': 'dashboard', automation: 'automation', 'data-tool': 'data tool' },
    source: { csv: 'CSV file', 'http-json': 'web data', rss: 'news feed', imap: 'mailbox' },
    output: { email: 'e-mail', webhook: 'chat channel', file: 'file', dashboard: 'dashboard' },
    scheduled: 'scheduled',
  },
  pl: {
    kind: { 'form-app': 'formularz', 'api-service': 'API', 'web-dashboard': 'panel', automation: 'automatyzacja', 'data-tool': 'narzędzie do danych' },
    source: { csv: 'plik CSV', 'http-json': 'dane z sieci', rss: 'kanał wiadomości', imap: 'skrzynka pocztowa' },
    output: { email: 'e-mail', webhook: 'kanał czatu', file: 'plik', dashboard: 'panel' },
    scheduled: 'harmonogram',
  },
} as const;

/** A label as a tag: "Wniosek urlopowy" → "wniosek urlopowy"; an acronym ("CSV", "VPN access") keeps its case. */
function tagWord(label: string, language: Language): string {
  return /^\p{Lu}\p{Ll}/u.test(label) ? label.charAt(0).toLocaleLowerCase(language) + label.slice(1) : label;
}

/**
 * Catalog tags in the app's language, as people would look for it: the kind in words, each record by
 * its label (not its identifier), what it reads and where it sends, and whether it runs on a schedule.
 * The catalog's search covers the tags, and its tag filter takes them whatever their case.
 */
export function tagsFor(spec: AppSpec, language: Language = spec.language ?? 'en'): string[] {
  const words = TAG_WORDS[language];
  const tags: string[] = [
    words.kind[spec.kind],
    ...(spec.entities ?? []).map((e) => tagWord(e.label ?? entityLabelFor(e.name, language), language)),
    ...(spec.sources ?? []).map((s) => words.source[s.type]),
    ...(spec.outputs ?? []).filter((o) => o.type !== 'dashboard' || spec.kind !== 'web-dashboard').map((o) => words.output[o.type]),
  ];
  if (spec.schedule) tags.push(words.scheduled);
  return [...new Set(tags.map((t) => t.trim().slice(0, 40)).filter(Boolean))].slice(0, 20);
}
