import fc from 'fast-check';
import { APP_KINDS } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { generateApp } from '../generate-app.js';
import { appSpecArbitrary } from '../testing/app-spec-arbitrary.js';
import { describeReport, generateAndValidate } from '../testing/generated-app-dir.js';

// Each run generates, builds, tests, starts and exercises an app: a few runs per kind keep
// the suite within minutes on two cores; the cheap generation property runs many more.
// GENERATORS_PROPERTY_RUNS raises it for a longer hunt.
const VALIDATED_RUNS = Number(process.env.GENERATORS_PROPERTY_RUNS ?? 2);

describe.each(APP_KINDS)('every generated %s', (kind) => {
  it('generates for any valid spec, with a manifest that names the kind', () => {
    fc.assert(
      fc.property(appSpecArbitrary(kind), (spec) => {
        const app = generateApp(spec, { version: '1.0.0' });
        expect(app.manifest.kind).toBe(kind);
        expect(app.files.get('README.md')).not.toContain('<script>');
      }),
      { numRuns: 40 },
    );
  });

  it('passes validation', { timeout: 60_000 * VALIDATED_RUNS }, async () => {
    await fc.assert(
      fc.asyncProperty(appSpecArbitrary(kind), async (spec) => {
        const report = await generateAndValidate(spec);
        expect(report.ok, `${JSON.stringify(spec)}\n${describeReport(report)}`).toBe(true);
      }),
      { numRuns: VALIDATED_RUNS },
    );
  });
});
