import { APP_KINDS, parseAppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { listTemplates } from './list-templates.js';

describe('listTemplates', () => {
  it('describes one generator per kind with an example spec valid against the schema', () => {
    const templates = listTemplates();
    expect(templates.map((template) => template.kind).sort()).toEqual([...APP_KINDS].sort());
    for (const template of templates) {
      expect(template.title.length).toBeGreaterThan(0);
      expect(template.description.length).toBeGreaterThan(20);
      expect(template.parameters.length).toBeGreaterThan(0);
      expect(parseAppSpec(template.exampleSpec)).toEqual({ ok: true, spec: template.exampleSpec });
      expect(template.exampleSpec.kind).toBe(template.kind);
    }
  });

  it('hands out copies, so a caller cannot change the examples', () => {
    listTemplates()[0]!.exampleSpec.title = 'changed';
    expect(listTemplates()[0]!.exampleSpec.title).not.toBe('changed');
  });
});
