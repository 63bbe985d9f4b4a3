import type { AppSpec } from '@marketplace/spec';
import { catalogFor, format, languageOf } from '../i18n/catalog.js';
import { describeSetting, modelSources, scheduleSettings } from '../shared/app-model.js';
import { ESCAPED_MARKER, authFixture, sourceFixtures } from '../shared/fixtures.js';
import type { KindGenerator } from './kind-generator.js';

const exampleSpec: AppSpec = {
  specVersion: 1,
  name: 'sales-dashboard',
  title: 'Sales by region',
  summary: 'Weekly sales per region from the finance export.',
  kind: 'web-dashboard',
  sources: [{ type: 'csv', path: 'sales.csv' }],
  schedule: { cron: '*/30 * * * *' },
  outputs: [{ type: 'dashboard' }],
  auth: 'sso',
};

export const webDashboard: KindGenerator = {
  kind: 'web-dashboard',
  title: 'Dashboard',
  description: 'A page with charts and tables over CSV files or JSON/RSS URLs, refreshed on a schedule, with the data as JSON too.',
  parameters: ['sources', 'schedule', 'auth'],
  exampleSpec,
  libraries: ['sources', 'schedule'],
  bundled: ['croner', 'csv-parse', 'fast-xml-parser'],
  templates: ['app.mjs', 'dashboard.mjs', 'dashboard.test.mjs'],
  build(spec) {
    const { sources, settings, skipped, readPaths } = modelSources(spec, 'csv');
    const fixture = sourceFixtures(sources, spec.entities?.[0]?.fields);
    const language = languageOf(spec);
    const { build: text } = catalogFor(language);
    const words = text.kinds['web-dashboard'];
    return {
      sources,
      readPaths,
      ...(spec.schedule ? { schedule: spec.schedule } : {}),
      settings: [
        ...settings,
        ...scheduleSettings(spec, undefined),
        { name: 'REFRESH_MINUTES', description: describeSetting(language, 'REFRESH_MINUTES'), default: '5', required: false, secret: false, type: 'integer' },
      ],
      fixtures: { ...authFixture(spec.auth ?? 'none'), ...fixture, expectedText: ESCAPED_MARKER },
      readme: {
        about: words.about,
        endpoints: [
          ['GET /', words.page],
          ['GET /api/data', words.data],
          ['POST /api/refresh', words.refresh],
        ],
        sections: [`## ${words.sources}\n\n${sources.map((source) => `- ${source.label}: \`${source.setting}\``).join('\n')}\n\n${words.sourcesNote}`],
        notes: [
          ...(skipped.length ? [format(text.readme.imapSkipped, { count: skipped.length })] : []),
          ...((spec.outputs ?? []).some((output) => output.type !== 'dashboard') ? [words.outputsLeftOut] : []),
        ],
      },
    };
  },
};
