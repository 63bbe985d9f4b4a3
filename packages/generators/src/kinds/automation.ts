import type { AppSpec } from '@marketplace/spec';
import { modelOutputs, modelSources, scheduleSettings } from '../shared/app-model.js';
import { authFixture, offlineSettings, sourceFixtures } from '../shared/fixtures.js';
import type { KindGenerator } from './kind-generator.js';

export const DEFAULT_AUTOMATION_CRON = '0 * * * *';

const exampleSpec: AppSpec = {
  specVersion: 1,
  name: 'release-watch',
  title: 'Release watch',
  summary: 'Checks the vendor feed every hour and tells the team about new releases.',
  kind: 'automation',
  schedule: { cron: '0 * * * *', timezone: 'Europe/Paris' },
  sources: [{ type: 'rss', url: 'https://vendor.example.com/releases.xml' }],
  outputs: [{ type: 'webhook', target: 'https://chat.example.com/hooks/releases' }, { type: 'file', target: 'releases.jsonl' }],
  auth: 'api-key',
};

export const automation: KindGenerator = {
  kind: 'automation',
  title: 'Scheduled automation',
  description: 'A job on a cron schedule that reads JSON, RSS or CSV sources, keeps only the items it has not seen before and sends them by email, webhook or file; with a status page and a run-now button.',
  parameters: ['sources', 'outputs', 'schedule', 'auth'],
  exampleSpec,
  libraries: ['sources', 'notify', 'runs', 'schedule'],
  bundled: ['croner', 'csv-parse', 'fast-xml-parser', 'nodemailer'],
  templates: ['app.mjs', 'job.mjs', 'automation.test.mjs'],
  build(spec) {
    const { sources, settings: sourceSettings, skipped } = modelSources(spec, 'http-json');
    const { outputs, settings: outputSettings } = modelOutputs(spec);
    const schedule = { cron: spec.schedule?.cron ?? DEFAULT_AUTOMATION_CRON, ...(spec.schedule?.timezone ? { timezone: spec.schedule.timezone } : {}) };
    const fixture = sourceFixtures(sources);
    return {
      sources,
      outputs,
      schedule,
      settings: [...sourceSettings, ...outputSettings, ...scheduleSettings(spec, DEFAULT_AUTOMATION_CRON)],
      fixtures: {
        ...authFixture(spec.auth ?? 'none'),
        ...fixture,
        expectedNewItems: fixture.sources.reduce((total, source) => total + source.rows, 0),
        webhookSettings: outputs.filter((output) => output.type === 'webhook').map((output) => output.setting),
        cron: schedule.cron,
        offlineSettings: offlineSettings(sources),
      },
      readme: {
        about: 'On every run it reads its sources, keeps the items it has not seen in an earlier run (their identities are kept in `DATA_DIR/seen.json`) and sends the new ones to its outputs. The last 50 runs are kept in `DATA_DIR/runs.json`.',
        endpoints: [
          ['GET /', 'Status page: schedule, next run, last runs, a run-now button.'],
          ['GET /api/runs', 'The last runs as JSON, with the next scheduled run.'],
          ['POST /run', 'Run once now; answers the run (200, or 502 when every source failed).'],
        ],
        sections: [
          `## Sources and outputs\n\n${sources.map((source) => `- ${source.label}: \`${source.setting}\``).join('\n')}\n${outputs.map((output) => `- output ${output.type}${output.setting ? `: \`${output.setting}\`` : ''}`).join('\n')}\n\nAn item is recognised by its \`id\`, \`guid\`, \`link\` or \`url\` (or, without any, by its whole content).`,
        ],
        notes: skipped.length ? [`The spec also named ${skipped.length} IMAP source(s); this version cannot read mailboxes, so they were left out.`] : [],
      },
    };
  },
};
