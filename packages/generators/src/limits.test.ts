import { appManifestSchema } from '@marketplace/release';
import { APP_KINDS, type AppSpec, FIELD_TYPES, SPEC_LIMITS, parseAppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { generateApp } from './generate-app.js';
import { describeReport, generateAndValidate } from './testing/generated-app-dir.js';

/** A spec as large as the schema allows: every limit of SPEC_LIMITS reached. */
function largestSpec(kind: AppSpec['kind']): AppSpec {
  const values = Array.from({ length: SPEC_LIMITS.enumValues }, (_, index) => `${'v'.repeat(SPEC_LIMITS.enumValueLength - 4)}${String(index).padStart(4, '0')}`);
  const fields = Array.from({ length: SPEC_LIMITS.fieldsPerEntity }, (_, index) => {
    const type = FIELD_TYPES[index % FIELD_TYPES.length]!;
    return { name: `field${index}`, type, required: index % 3 === 0, ...(type === 'enum' ? { values } : {}) };
  });
  return {
    specVersion: 1,
    name: `a${'b'.repeat(SPEC_LIMITS.nameLength - 1)}`,
    title: 'T'.repeat(SPEC_LIMITS.titleLength),
    summary: 'S'.repeat(SPEC_LIMITS.summaryLength),
    kind,
    entities: Array.from({ length: SPEC_LIMITS.entities }, (_, index) => ({ name: `entity${index}`, fields })),
    sources: Array.from({ length: SPEC_LIMITS.sources }, (_, index) => (index % 2 ? { type: 'rss' as const, url: `https://feed${index}.example.com/rss` } : { type: 'csv' as const, path: `in/${index}.csv` })),
    outputs: Array.from({ length: SPEC_LIMITS.outputs }, (_, index) => (index % 2 ? { type: 'webhook' as const, target: `https://hook${index}.example.com/` } : { type: 'email' as const, target: `team${index}@example.com` })),
    schedule: { cron: '0 7 * * 1', timezone: 'Europe/Paris' },
    auth: 'api-key',
  };
}

describe('specs at the schema limits', () => {
  it.each(APP_KINDS)('%s: generates with a valid manifest', (kind) => {
    const spec = largestSpec(kind);
    expect(parseAppSpec(spec).ok).toBe(true);
    const app = generateApp(spec, { version: '1.0.0' });
    expect(appManifestSchema.safeParse(app.manifest).success).toBe(true);
  });

  it.each(APP_KINDS)('%s: passes validation', { timeout: 120_000 }, async (kind) => {
    const report = await generateAndValidate(largestSpec(kind));
    expect(report.ok, describeReport(report)).toBe(true);
  });
});
