import type { AppSpec, Field } from '../app-spec.js';
import type { MessageAnalysis } from './analyse-message.js';
import type { Language } from './detect-language.js';
import type { Swap } from './read-corrections.js';
import type { SpecQuestion } from './apply-analysis.js';

/** How sure the engine is of one thing it read from this message, 0–1. */
export interface SlotReading {
  /** "kind", "title", "schedule", "auth", "sources.0", "outputs.1", "entities.laptop.serialNumber", … */
  slot: string;
  confidence: number;
}

/** Below this, the reading is asked about (a clarification; the draft still uses it). */
export const LOW_CONFIDENCE = 0.5;

function fieldConfidence(field: Field): number {
  if (field.type !== 'string' || field.values || field.required !== undefined || field.unique) return 0.9;
  const words = (field.label ?? field.name).split(/\s+/).length;
  return words <= 2 ? 0.75 : words === 3 ? 0.6 : 0.45;
}

/** The confidence of every slot this message filled. */
export function readingsOf(analysis: MessageAnalysis, spec: AppSpec, previous: AppSpec | undefined): SlotReading[] {
  const readings: SlotReading[] = [];
  if (!previous || analysis.kind.decided) readings.push({ slot: 'kind', confidence: analysis.kind.decided ? (analysis.kind.explicit ? 0.95 : 0.8) : 0.3 });
  if (!previous || analysis.title.explicit) readings.push({ slot: 'title', confidence: analysis.title.explicit ? 1 : analysis.title.title ? 0.7 : 0.4 });
  for (const list of analysis.entities.lists) {
    const entity = spec.entities?.find((e) => e.fields.some((f) => list.fields.some((l) => l.name === f.name)));
    for (const field of list.fields) readings.push({ slot: `entities.${entity?.name ?? list.entity ?? '?'}.${field.name}`, confidence: fieldConfidence(field) });
  }
  if (analysis.schedule.cron || analysis.schedule.unsupported) readings.push({ slot: 'schedule', confidence: analysis.schedule.cron ? 0.95 : 0.2 });
  analysis.locations.sources.forEach((source, i) => readings.push({ slot: `sources.${i}`, confidence: source.url || source.path || source.workstationPath ? 0.95 : 0.6 }));
  analysis.locations.outputs.forEach((output, i) => readings.push({ slot: `outputs.${i}`, confidence: output.target ? 0.95 : 0.7 }));
  if (analysis.auth) readings.push({ slot: 'auth', confidence: 0.9 });
  return readings;
}

const ASK = {
  en: {
    unread: (text: string) => `I could not read "${text}" in the list of fields. Is it a field? If so, what is it called?`,
    field: (label: string) => `Is "${label}" one field? If it is several, list them separated by commas.`,
    swap: (s: Swap) => `I did not find "${s.from}" in the draft, so I could not change it to "${s.to}". What should change?`,
  },
  pl: {
    unread: (text: string) => `Nie udało mi się odczytać „${text}” na liście pól. Czy to pole? Jeśli tak, jak się nazywa?`,
    field: (label: string) => `Czy „${label}” to jedno pole? Jeśli to kilka pól, wypisz je po przecinku.`,
    swap: (s: Swap) => `Nie znalazłem „${s.from}” w projekcie, więc nie mogłem zmienić tego na „${s.to}”. Co mam zmienić?`,
  },
} as const;

/**
 * Questions about what the engine read with little certainty or could not read at all. They do
 * not block building (the draft is usable); the reply asks them after the questions for missing slots.
 */
export function clarificationsFor(readings: readonly SlotReading[], spec: AppSpec, analysis: MessageAnalysis, unresolved: readonly Swap[], language: Language): SpecQuestion[] {
  const ask = ASK[language];
  const out: SpecQuestion[] = analysis.entities.unread.map((text) => ({ slot: 'entities', question: ask.unread(text) }));
  for (const reading of readings) {
    if (reading.confidence >= LOW_CONFIDENCE || !reading.slot.startsWith('entities.')) continue;
    const [, entityName, fieldName] = reading.slot.split('.');
    const field = spec.entities?.find((e) => e.name === entityName)?.fields.find((f) => f.name === fieldName);
    if (field) out.push({ slot: reading.slot, question: ask.field(field.label ?? field.name) });
  }
  for (const swap of unresolved) out.push({ slot: 'corrections', question: ask.swap(swap) });
  return out.slice(0, 10);
}
