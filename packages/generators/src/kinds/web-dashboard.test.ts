import type { AppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { generateApp } from '../generate-app.js';
import { describeReport, generateAndValidate } from '../testing/generated-app-dir.js';
import { webDashboard } from './web-dashboard.js';

const spec: AppSpec = {
  specVersion: 1,
  name: 'ops-dashboard',
  title: 'Ops dashboard',
  summary: 'Open tickets and status feed.',
  kind: 'web-dashboard',
  sources: [
    { type: 'csv', path: 'tickets.csv' },
    { type: 'http-json', url: 'https://status.example.com/api/checks.json' },
    { type: 'rss', url: 'https://blog.example.com:8443/feed.xml' },
    { type: 'imap', url: 'https://mail.example.com/' },
  ],
};

describe('web-dashboard generator', () => {
  it('gives each source a setting with the spec location as default, leaving IMAP out', () => {
    const build = webDashboard.build(spec);
    expect(build.sources?.map((source) => source.setting)).toEqual(['SOURCE_1_PATH', 'SOURCE_2_URL', 'SOURCE_3_URL']);
    const defaults = Object.fromEntries(build.settings.map((setting) => [setting.name, setting.default]));
    expect(defaults.SOURCE_1_PATH).toBe('tickets.csv');
    expect(defaults.SOURCE_3_URL).toBe('https://blog.example.com:8443/feed.xml');
    expect(build.readme.notes?.join(' ')).toContain('IMAP');
  });

  it('declares the hosts of its URL sources', () => {
    expect(generateApp(spec, { version: '1.0.0' }).manifest.permissions.network).toEqual(['blog.example.com:8443', 'status.example.com']);
  });

  it('refreshes every REFRESH_MINUTES without a schedule, on SCHEDULE_CRON with one', () => {
    const without = webDashboard.build({ ...spec, schedule: undefined }).settings;
    expect(without.find((setting) => setting.name === 'SCHEDULE_CRON')?.default).toBeUndefined();
    expect(without.find((setting) => setting.name === 'REFRESH_MINUTES')?.default).toBe('5');
    const withSchedule = webDashboard.build({ ...spec, schedule: { cron: '*/10 * * * *' } }).settings;
    expect(withSchedule.find((setting) => setting.name === 'SCHEDULE_CRON')?.default).toBe('*/10 * * * *');
  });

  it('generates an app that builds, passes its own tests and shows page and data in the sandbox', async () => {
    const report = await generateAndValidate(spec);
    expect(report.ok, describeReport(report)).toBe(true);
    expect(report.steps.find((step) => step.name === 'exercise')?.detail).toBe('page and data of 3 sources');
  });

  it('generates a Polish app that passes its own tests and the sandbox as well', async () => {
    const report = await generateAndValidate({ ...spec, language: 'pl' });
    expect(report.ok, describeReport(report)).toBe(true);
  });
});
