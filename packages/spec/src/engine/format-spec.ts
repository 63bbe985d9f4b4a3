import type { AppSpec, Field } from '../app-spec.js';
import { LANGUAGES, type Language } from './detect-language.js';
import { describeSchedule } from './describe-schedule.js';
import { FORMAT_LABELS } from './rules/format-labels.js';
import { SLOTS, type Slot } from './rules/questions.js';
import { SpecEngineError } from './spec-engine-error.js';

function formatField(field: Field, language: Language): string {
  const labels = FORMAT_LABELS[language];
  const shown = field.label ?? field.name;
  const required = field.required ? `, ${labels.headings.required}` : '';
  if (field.type === 'enum') return `${shown} (${labels.type.enum}: ${(field.values ?? []).join(' | ')}${required})`;
  if (field.type === 'string' && !required) return shown;
  return `${shown} (${labels.type[field.type]}${required})`;
}

function formatSchedule(spec: AppSpec, language: Language): string | undefined {
  if (!spec.schedule) return undefined;
  const { cron, timezone } = spec.schedule;
  let text: string;
  try {
    text = describeSchedule(cron, language);
  } catch {
    text = cron;
  }
  return `${text} (${cron}${timezone ? `, ${timezone}` : ''})`;
}

/** A readable multi-line summary of a spec, for the CLI and for chat replies. */
export function formatSpec(spec: AppSpec, language: Language = 'en'): string {
  if (!LANGUAGES.includes(language)) {
    throw new SpecEngineError('invalid-language', `language must be one of ${LANGUAGES.join(', ')}, got "${String(language)}".`);
  }
  const l = FORMAT_LABELS[language];
  const h = l.headings;
  const lines = [`${spec.title} (${spec.name})`, `${h.kind}: ${l.kind[spec.kind]}`];
  if (spec.summary) lines.push(`${h.summary}: ${spec.summary}`);
  if (spec.entities?.length) {
    lines.push(`${h.data}:`);
    for (const entity of spec.entities) lines.push(`  • ${entity.label ?? entity.name}: ${entity.fields.map((f) => formatField(f, language)).join(', ')}`);
  }
  const schedule = formatSchedule(spec, language);
  if (schedule) lines.push(`${h.schedule}: ${schedule}`);
  if (spec.sources?.length) {
    const items = spec.sources.map((s) => [l.source[s.type], s.url ?? s.path ?? (s.workstationPath ? `${s.workstationPath} (${h.readOnly})` : undefined)].filter(Boolean).join(' '));
    lines.push(`${h.sources}: ${items.join('; ')}`);
  }
  if (spec.outputs?.length) {
    const items = spec.outputs.map((o) => {
      if (o.type === 'email') return `${l.output.email} ${o.target ?? h.emailToYou}`;
      return [l.output[o.type], o.target].filter(Boolean).join(' ');
    });
    lines.push(`${h.outputs}: ${items.join('; ')}`);
  }
  if (spec.auth) lines.push(`${h.access}: ${l.auth[spec.auth]}`);
  if (spec.missing?.length) {
    const names = spec.missing.map((m) => ((SLOTS as readonly string[]).includes(m) ? l.slot[m as Slot] : m));
    lines.push(`${h.missing}: ${names.join(', ')}`);
  }
  return lines.join('\n');
}
