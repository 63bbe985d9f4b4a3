import type { AppSpec, Output, Source } from '../app-spec.js';
import { LANGUAGES, type Language } from './detect-language.js';
import { describeSchedule } from './describe-schedule.js';
import type { SpecChange } from './diff-specs.js';
import { FORMAT_LABELS } from './rules/format-labels.js';
import { SpecEngineError } from './spec-engine-error.js';

const quoted = (language: Language, text: string) => (language === 'pl' ? `„${text}”` : `“${text}”`);

function sourceText(source: Source, language: Language): string {
  const where = source.workstationPath ?? source.path ?? source.url;
  return `${FORMAT_LABELS[language].source[source.type]}${where ? ` ${where}` : ''}`;
}

function outputText(output: Output, language: Language): string {
  return `${FORMAT_LABELS[language].output[output.type]}${output.target ? ` ${output.target}` : ''}`;
}

function scheduleText(schedule: AppSpec['schedule'], language: Language): string {
  if (!schedule) return language === 'pl' ? 'brak' : 'none';
  try {
    return describeSchedule(schedule.cron, language);
  } catch {
    return schedule.cron;
  }
}

/** Names as the user sees them: a field's or record's label in the draft, else its identifier. */
export function specNamer(spec: AppSpec | null | undefined) {
  const entity = (name: string) => spec?.entities?.find((e) => e.name === name);
  return {
    entity: (name: string) => entity(name)?.label ?? name,
    field: (entityName: string, name: string) => entity(entityName)?.fields.find((f) => f.name === name)?.label ?? name,
  };
}

function phrase(change: SpecChange, language: Language, before: ReturnType<typeof specNamer>, after: ReturnType<typeof specNamer>): string {
  const l = FORMAT_LABELS[language];
  const q = (text: string) => quoted(language, text);
  const pl = language === 'pl';
  switch (change.type) {
    case 'kind':
      return pl ? `zmieniono rodzaj z ${q(l.kind[change.from])} na ${q(l.kind[change.to])}` : `changed the kind from ${q(l.kind[change.from])} to ${q(l.kind[change.to])}`;
    case 'title':
      return pl ? `zmieniono nazwę aplikacji z ${q(change.from)} na ${q(change.to)}` : `renamed the app from ${q(change.from)} to ${q(change.to)}`;
    case 'entity-added':
      return pl ? `dodano rekordy ${q(after.entity(change.entity))}` : `added the records ${q(after.entity(change.entity))}`;
    case 'entity-removed':
      return pl ? `usunięto rekordy ${q(before.entity(change.entity))}` : `removed the records ${q(before.entity(change.entity))}`;
    case 'entity-renamed':
      return pl ? `zmieniono rekordy z ${q(before.entity(change.from))} na ${q(after.entity(change.to))}` : `renamed the records from ${q(before.entity(change.from))} to ${q(after.entity(change.to))}`;
    case 'field-added':
      return pl ? `dodano pole ${q(after.field(change.entity, change.field))}` : `added the field ${q(after.field(change.entity, change.field))}`;
    case 'field-removed':
      return pl ? `usunięto pole ${q(before.field(change.entity, change.field))}` : `removed the field ${q(before.field(change.entity, change.field))}`;
    case 'field-renamed':
      return pl ? `zmieniono nazwę pola ${q(before.field(change.entity, change.from))} na ${q(after.field(change.entity, change.to))}` : `renamed the field ${q(before.field(change.entity, change.from))} to ${q(after.field(change.entity, change.to))}`;
    case 'field-changed': {
      const name = q(after.field(change.entity, change.field));
      if (change.before.type !== change.after.type) return pl ? `zmieniono typ pola ${name} z ${q(l.type[change.before.type])} na ${q(l.type[change.after.type])}` : `changed the field ${name} from ${q(l.type[change.before.type])} to ${q(l.type[change.after.type])}`;
      return pl ? `zmieniono pole ${name}` : `changed the field ${name}`;
    }
    case 'fields-reordered': {
      const order = change.order.map((field) => q(after.field(change.entity, field))).join(', ');
      return pl ? `nowa kolejność pól ${q(after.entity(change.entity))}: ${order}` : `reordered the fields of ${q(after.entity(change.entity))}: ${order}`;
    }
    case 'schedule':
      return pl ? `harmonogram: ${scheduleText(change.to, language)}` : `schedule: ${scheduleText(change.to, language)}`;
    case 'source-added':
      return pl ? `dodano źródło: ${sourceText(change.source, language)}` : `added the source ${sourceText(change.source, language)}`;
    case 'source-removed':
      return pl ? `usunięto źródło: ${sourceText(change.source, language)}` : `removed the source ${sourceText(change.source, language)}`;
    case 'output-added':
      return pl ? `dodano wynik: ${outputText(change.output, language)}` : `added the output ${outputText(change.output, language)}`;
    case 'output-removed':
      return pl ? `usunięto wynik: ${outputText(change.output, language)}` : `removed the output ${outputText(change.output, language)}`;
    case 'auth':
      return pl ? `dostęp: ${change.to ? l.auth[change.to] : 'brak'}` : `access: ${change.to ? l.auth[change.to] : 'none'}`;
    case 'language':
      return pl ? `język aplikacji: ${change.to ?? '?'}` : `app language: ${change.to ?? '?'}`;
  }
}

/**
 * What a turn (or a new version) changed, in one sentence in the user's language:
 * "Renamed the records from “Employee” to “Laptop”; added the field “Notes”." Empty when nothing changed.
 * Pass the drafts before and after to show labels instead of identifiers.
 */
export function describeChanges(changes: readonly SpecChange[], language: Language, specs: { before?: AppSpec; after?: AppSpec } = {}): string {
  if (!LANGUAGES.includes(language)) {
    throw new SpecEngineError('invalid-language', `language must be one of ${LANGUAGES.join(', ')}, got "${String(language)}".`);
  }
  if (!changes.length) return '';
  const before = specNamer(specs.before);
  const after = specNamer(specs.after);
  const text = changes.map((change) => phrase(change, language, before, after)).join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
