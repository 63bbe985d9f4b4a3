import { diffSpecs, specNamer, type AppSpec, type SpecChange } from '@marketplace/spec';
import { notice, type Notice } from '../../http/notice.js';

function entryOf(change: SpecChange, before: ReturnType<typeof specNamer>, after: ReturnType<typeof specNamer>): Notice {
  switch (change.type) {
    case 'kind':
      return notice('changelog.kind', { fromKind: change.from, toKind: change.to });
    case 'title':
      return notice('changelog.title', { from: change.from, to: change.to });
    case 'entity-added':
      return notice('changelog.entityAdded', { entity: after.entity(change.entity) });
    case 'entity-removed':
      return notice('changelog.entityRemoved', { entity: before.entity(change.entity) });
    case 'entity-renamed':
      return notice('changelog.entityRenamed', { from: before.entity(change.from), to: after.entity(change.to) });
    case 'field-added':
      return notice('changelog.fieldAdded', { field: after.field(change.entity, change.field) });
    case 'field-removed':
      return notice('changelog.fieldRemoved', { field: before.field(change.entity, change.field) });
    case 'field-renamed':
      return notice('changelog.fieldRenamed', { from: before.field(change.entity, change.from), to: after.field(change.entity, change.to) });
    case 'field-changed': {
      const field = after.field(change.entity, change.field);
      if (change.before.type !== change.after.type) return notice('changelog.fieldTypeChanged', { field, fromType: change.before.type, toType: change.after.type });
      return notice('changelog.fieldChanged', { field });
    }
    case 'fields-reordered':
      return notice('changelog.fieldsReordered', { entity: after.entity(change.entity), order: change.order.map((field) => after.field(change.entity, field)).join(', ') });
    case 'schedule':
      return change.to ? notice('changelog.schedule', { cron: change.to.cron, timezone: change.to.timezone ?? 'UTC' }) : notice('changelog.scheduleRemoved');
    case 'source-added':
    case 'source-removed':
      return notice(change.type === 'source-added' ? 'changelog.sourceAdded' : 'changelog.sourceRemoved', { source: change.source.type, where: change.source.workstationPath ?? change.source.path ?? change.source.url ?? '' });
    case 'output-added':
    case 'output-removed':
      return notice(change.type === 'output-added' ? 'changelog.outputAdded' : 'changelog.outputRemoved', { output: change.output.type, target: change.output.target ?? '' });
    case 'auth':
      return notice('changelog.auth', { auth: change.to ?? 'none' });
    case 'language':
      return notice('changelog.language', { language: change.to ?? 'en' });
  }
}

/** Parameters are short values (the notice schema keeps them under 500 characters): a long name or address is cut. */
const capped = (entry: Notice): Notice => ({ code: entry.code, params: Object.fromEntries(Object.entries(entry.params).map(([name, value]) => [name, typeof value === 'string' ? value.slice(0, 500) : value])) });

/**
 * What a new version changes, as notices the UI words in the reader's language: one entry per
 * difference between the previous version's spec and this one, "first version" with the summary,
 * or "built again" when the spec did not change. The signed changelog says the same in the app's language.
 */
export function changelogEntries(previous: AppSpec | null, spec: AppSpec): Notice[] {
  if (!previous) return [capped(notice('changelog.firstVersion', { summary: spec.summary }))];
  const changes = diffSpecs(previous, spec);
  if (!changes.length) return [notice('changelog.rebuilt')];
  const before = specNamer(previous);
  const after = specNamer(spec);
  return changes.map((change) => capped(entryOf(change, before, after)));
}
