import { SPEC_LIMITS, type AppKind, type AppSpec } from '../app-spec.js';
import { SLOTS, type Slot } from './rules/questions.js';

/** The slots each kind of app cannot be generated without. */
export const REQUIRED_SLOTS: Record<AppKind, Slot[]> = {
  'api-service': ['entities'],
  'form-app': ['entities'],
  'web-dashboard': ['sources'],
  automation: ['schedule', 'outputs'],
  'data-tool': ['sources'],
};

export interface MissingInput {
  kindUnknown: boolean;
  contentMissing: boolean;
  /** Slots this message raised a question about (an unusable path, a schedule cron cannot express). */
  raised: Slot[];
  /** Slots still open from earlier turns. */
  carried: readonly string[];
}

function isOpen(slot: Slot, spec: AppSpec): boolean {
  const sources = spec.sources ?? [];
  const outputs = spec.outputs ?? [];
  switch (slot) {
    case 'summary':
      return spec.summary.trim().length === 0;
    case 'kind':
      return false;
    case 'entities':
      return (spec.entities ?? []).length === 0;
    case 'sources':
      return sources.length === 0 && (spec.kind !== 'web-dashboard' || (spec.entities ?? []).length === 0);
    case 'sources.path':
      return sources.some((s) => s.type === 'csv' && !s.path && !s.workstationPath);
    case 'sources.url':
      return sources.some((s) => (s.type === 'rss' || s.type === 'http-json') && !s.url);
    case 'schedule':
      return !spec.schedule;
    case 'outputs':
      return outputs.length === 0;
    case 'outputs.target':
      return outputs.some((o) => o.type === 'webhook' && !o.target);
  }
}

/** What is still unknown about a spec, in the order the conversation asks about it. */
export function computeMissing(spec: AppSpec, input: MissingInput): Slot[] {
  const open = new Set<Slot>();
  if (input.contentMissing) open.add('summary');
  if (input.kindUnknown) open.add('kind');
  for (const slot of REQUIRED_SLOTS[spec.kind]) if (isOpen(slot, spec)) open.add(slot);
  for (const slot of ['sources.path', 'sources.url', 'outputs.target'] as const) if (isOpen(slot, spec)) open.add(slot);
  for (const slot of input.raised) open.add(slot);
  for (const slot of input.carried) if ((SLOTS as readonly string[]).includes(slot) && slot !== 'kind' && isOpen(slot as Slot, spec)) open.add(slot as Slot);
  return SLOTS.filter((slot) => open.has(slot)).slice(0, SPEC_LIMITS.missing);
}

/** How complete the spec is, 0–1: whether the kind is known, and which required slots are filled. */
export function confidenceOf(spec: AppSpec, missing: readonly Slot[], kind: { decided: boolean; explicit: boolean }, hasContent: boolean): number {
  if (!hasContent) return 0;
  const kindPart = kind.decided ? (kind.explicit ? 0.35 : 0.25) : 0.05;
  const checked: Slot[] = ['summary', ...REQUIRED_SLOTS[spec.kind]];
  const filled = checked.filter((slot) => !missing.includes(slot)).length / checked.length;
  const extra = missing.filter((slot) => !checked.includes(slot) && slot !== 'kind').length * 0.05;
  const value = kindPart + 0.65 * filled - extra;
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}
