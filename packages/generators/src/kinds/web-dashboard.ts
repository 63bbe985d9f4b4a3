import type { AppSpec } from '@marketplace/spec';
import { modelSources, scheduleSettings } from '../shared/app-model.js';
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
    const { sources, settings, skipped } = modelSources(spec, 'csv');
    const fixture = sourceFixtures(sources);
    return {
      sources,
      ...(spec.schedule ? { schedule: spec.schedule } : {}),
      settings: [
        ...settings,
        ...scheduleSettings(spec, undefined),
        { name: 'REFRESH_MINUTES', description: 'Without SCHEDULE_CRON, read the sources again every this many minutes (0: only at start and on POST /api/refresh).', default: '5', required: false, secret: false, type: 'integer' },
      ],
      fixtures: { ...authFixture(spec.auth ?? 'none'), ...fixture, expectedText: ESCAPED_MARKER },
      readme: {
        about: 'It reads its sources at start and again on the schedule, and shows each one as a bar chart (inline SVG drawn on the server: no script, no CDN, works offline) and a table.',
        endpoints: [
          ['GET /', 'The dashboard.'],
          ['GET /api/data', 'The rows of every source as JSON, with the time of the last refresh.'],
          ['POST /api/refresh', 'Read the sources again now.'],
        ],
        sections: [
          `## Sources\n\n${sources.map((source) => `- ${source.label}: \`${source.setting}\``).join('\n')}\n\nA CSV file needs a header row. The chart shows the first text column as labels and sums the first numeric column.`,
        ],
        notes: [
          ...(skipped.length ? [`The spec also named ${skipped.length} IMAP source(s); this version cannot read mailboxes, so they were left out.`] : []),
          ...((spec.outputs ?? []).some((output) => output.type !== 'dashboard') ? ['A dashboard only shows its data: the email, webhook and file outputs of the spec were left out.'] : []),
        ],
      },
    };
  },
};
