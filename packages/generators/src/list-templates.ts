import type { AppKind, AppSpec } from '@marketplace/spec';
import { GENERATORS } from './kinds/registry.js';

export interface TemplateInfo {
  kind: AppKind;
  title: string;
  description: string;
  /** The AppSpec properties the generator reads. */
  parameters: string[];
  exampleSpec: AppSpec;
}

/** What each generator makes, for the catalog (served at GET /api/v1/templates). */
export function listTemplates(): TemplateInfo[] {
  return [...GENERATORS.values()].map((generator) => ({
    kind: generator.kind,
    title: generator.title,
    description: generator.description,
    parameters: [...generator.parameters],
    exampleSpec: structuredClone(generator.exampleSpec),
  }));
}
