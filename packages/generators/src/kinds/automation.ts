import type { AppSpec } from '@marketplace/spec';
import { catalogFor, format, languageOf } from '../i18n/catalog.js';
import { modelOutputs, modelSources, scheduleSettings } from '../shared/app-model.js';
import { authFixture, offlineSettings, sourceFixtures } from '../shared/fixtures.js';
import type { KindGenerator } from './kind-generator.js';

export const DEFAULT_AUTOMATION_CRON = '0 * * * *';

/** What the app's own tests answer for its agent to every MCP tool call (each source tool's items are new once). */
const MCP_ANSWER = { isError: false, content: [{ type: 'text', text: 'two items' }], structuredContent: { items: [{ id: 'mcp-1', title: 'First from the tool' }, { id: 'mcp-2', title: 'Second from the tool' }] }, bytes: 120 };

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
  parameters: ['sources', 'outputs', 'mcpTools', 'schedule', 'auth'],
  exampleSpec,
  libraries: ['sources', 'notify', 'runs', 'schedule', 'mcp'],
  bundled: ['croner', 'csv-parse', 'fast-xml-parser', 'nodemailer'],
  templates: ['app.mjs', 'job.mjs', 'automation.test.mjs'],
  build(spec) {
    // an automation that reads only MCP tools needs no source URL
    const readsTools = (spec.mcpTools ?? []).some((tool) => tool.use === 'source');
    const { sources, settings: sourceSettings, skipped, readPaths } = modelSources(spec, readsTools ? undefined : 'http-json');
    const { outputs, settings: outputSettings } = modelOutputs(spec);
    const schedule = { cron: spec.schedule?.cron ?? DEFAULT_AUTOMATION_CRON, ...(spec.schedule?.timezone ? { timezone: spec.schedule.timezone } : {}) };
    const fixture = sourceFixtures(sources, spec.entities?.[0]?.fields);
    const mcpTools = (spec.mcpTools ?? []).map(({ server, tool, use, arguments: fixed }) => ({ server, tool, use, ...(fixed ? { arguments: fixed } : {}) }));
    const mcpSources = mcpTools.filter((tool) => tool.use === 'source').length;
    const { app: messages, build: text } = catalogFor(languageOf(spec));
    const words = text.kinds.automation;
    return {
      sources,
      outputs,
      schedule,
      readPaths,
      settings: [...sourceSettings, ...outputSettings, ...scheduleSettings(spec, DEFAULT_AUTOMATION_CRON)],
      extras: { mcpTools },
      fixtures: {
        ...authFixture(spec.auth ?? 'none'),
        ...fixture,
        // the deploy agent's answer to every MCP tool call
        remote: { ...fixture.remote, ...(mcpTools.length ? { '/mcp/call': { type: 'application/json', body: JSON.stringify(MCP_ANSWER) } } : {}) },
        mcpTools,
        expectedNewItems: fixture.sources.reduce((total, source) => total + source.rows, 0) + mcpSources * MCP_ANSWER.structuredContent.items.length,
        webhookSettings: outputs.filter((output) => output.type === 'webhook').map((output) => output.setting),
        cron: schedule.cron,
        offlineSettings: offlineSettings(sources),
        /** What the status page says, in the app's language. */
        texts: { lastRuns: messages.runs.lastRuns, runNow: messages.runs.runNow },
      },
      readme: {
        about: words.about,
        endpoints: [
          ['GET /', words.page],
          ['GET /api/runs', words.runs],
          ['POST /run', words.run],
        ],
        sections: [
          `## ${words.sourcesAndOutputs}\n\n${sources.map((source) => `- ${source.label}: \`${source.setting}\``).join('\n')}\n${outputs.map((output) => `- ${words.output} ${messages.automation.outputTypes[output.type]}${output.setting ? `: \`${output.setting}\`` : ''}`).join('\n')}${mcpTools.map((tool) => `\n- ${format(messages.mcp[tool.use], { tool: `${tool.server}/${tool.tool}` })}`).join('')}\n\n${words.identity}`,
        ],
        notes: skipped.length ? [format(text.readme.imapSkipped, { count: skipped.length })] : [],
      },
    };
  },
};
