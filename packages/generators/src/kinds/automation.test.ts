import type { AppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { generateApp } from '../generate-app.js';
import { describeReport, generateAndValidate } from '../testing/generated-app-dir.js';
import { DEFAULT_AUTOMATION_CRON, automation } from './automation.js';

const spec: AppSpec = {
  specVersion: 1,
  name: 'vendor-watch',
  title: 'Vendor watch',
  summary: 'New advisories and price changes, every five minutes.',
  kind: 'automation',
  schedule: { cron: '*/5 * * * *', timezone: 'Europe/Paris' },
  sources: [
    { type: 'rss', url: 'https://vendor.example.com/advisories.rss' },
    { type: 'http-json', url: 'https://api.example.com/prices' },
    { type: 'csv', path: 'watchlist.csv' },
  ],
  outputs: [{ type: 'webhook', target: 'https://chat.example.com/hook' }, { type: 'file', target: '../escape.jsonl' }, { type: 'email', target: 'team@example.com' }],
  auth: 'sso',
};

describe('automation generator', () => {
  it('runs on the spec schedule, hourly without one', () => {
    expect(automation.build(spec).schedule).toEqual({ cron: '*/5 * * * *', timezone: 'Europe/Paris' });
    expect(automation.build({ ...spec, schedule: undefined }).schedule).toEqual({ cron: DEFAULT_AUTOMATION_CRON });
  });

  it('keeps a file output inside the data directory even when the target tries to leave it', () => {
    const file = automation.build(spec).settings.find((setting) => setting.name === 'FILE_1_PATH');
    expect(file?.default).toBe('output-1.jsonl');
  });

  it('needs a source URL when the spec names no source', () => {
    const setting = automation.build({ ...spec, sources: undefined }).settings.find((candidate) => candidate.name === 'SOURCE_1_URL');
    expect(setting).toMatchObject({ required: true });
  });

  it('declares its network hosts and mail', () => {
    const { permissions } = generateApp(spec, { version: '1.0.0' }).manifest;
    expect(permissions.network).toEqual(['api.example.com', 'chat.example.com', 'vendor.example.com']);
    expect(permissions.mail).toBe(true);
  });

  it('generates an app that builds, passes its own tests and de-duplicates across two runs in the sandbox', async () => {
    const report = await generateAndValidate(spec);
    expect(report.ok, describeReport(report)).toBe(true);
    expect(report.steps.find((step) => step.name === 'exercise')?.detail).toContain('0 on the second run');
  });

  it('calls its declared MCP tools through the deploy agent: asks for the agent only then, and passes its own tests and the sandbox', async () => {
    const withTools: AppSpec = {
      ...spec,
      sources: [{ type: 'http-json', url: 'https://api.example.com/prices' }],
      mcpTools: [
        { server: 'jira', tool: 'open-issues', use: 'source', purpose: 'the open issues of the team', arguments: { project: 'OPS', limit: 50 } },
        { server: 'chat', tool: 'post-message', use: 'output', arguments: { channel: 'ops-alerts' } },
      ],
    };
    const app = generateApp(withTools, { version: '1.0.0' });
    expect(app.manifest.permissions.mcpTools).toBe(true);
    expect(generateApp(spec, { version: '1.0.0' }).manifest.permissions.mcpTools).toBeUndefined();
    expect(app.files.get('src/definition.mjs')).toContain('"tool": "open-issues"');
    expect(app.files.get('src/definition.mjs')).toContain('"project": "OPS"');
    expect(app.files.get('README.md')).toContain('MCP tool chat/post-message');
    const report = await generateAndValidate(withTools);
    expect(report.ok, describeReport(report)).toBe(true);
    // reading only MCP tools, it needs no source URL
    const onlyTools = automation.build({ ...withTools, sources: undefined });
    expect(onlyTools.sources).toEqual([]);
    expect(onlyTools.settings.some((setting) => setting.name === 'SOURCE_1_URL')).toBe(false);
  });

  it('generates a Polish app that passes its own tests and the sandbox as well', async () => {
    const report = await generateAndValidate({ ...spec, language: 'pl' });
    expect(report.ok, describeReport(report)).toBe(true);
  });
});
