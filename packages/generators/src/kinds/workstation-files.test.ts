import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppSpec } from '@marketplace/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../build-app.js';
import { describeReport, generateAndValidate, generateIntoTempDir } from '../testing/generated-app-dir.js';
import { runBuiltApp } from '../testing/run-built-app.js';

let exports: string;
beforeAll(async () => {
  exports = await mkdtemp(join(tmpdir(), 'workstation-exports-'));
});
afterAll(async () => rm(exports, { recursive: true, force: true }));

const dashboard = (path: string): AppSpec => ({
  specVersion: 1,
  name: 'laptop-board',
  title: 'Laptops',
  summary: 'Laptops from the shared inventory export.',
  kind: 'web-dashboard',
  entities: [{ name: 'laptop', fields: [{ name: 'model', type: 'string' }, { name: 'owner', type: 'email' }, { name: 'price', type: 'number' }] }],
  sources: [{ type: 'csv', workstationPath: path }],
});

describe('a CSV file on the workstation, outside the app folder', () => {
  it('is declared in app.json as a read path with its setting, defaulting to the path', async () => {
    const app = await generateIntoTempDir(dashboard('/srv/exports/laptops.csv'));
    try {
      expect(app.manifest.permissions.readPaths).toEqual([{ path: '/srv/exports/laptops.csv', setting: 'SOURCE_1_FILE' }]);
      expect(app.manifest.env.map((variable) => variable.name)).toContain('SOURCE_1_FILE');
      expect(app.files.get('src/definition.mjs')).toContain('"default": "/srv/exports/laptops.csv"');
    } finally {
      await app.remove();
    }
  });

  it('is read by the generated dashboard from that path, not from the data folder', async () => {
    const file = join(exports, 'laptops.csv');
    await writeFile(file, 'model,owner,price\nThinkPad X1,ada@example.com,1800\nLatitude 7440,grace@example.com,1500\nMacBook Air,linus@example.com,1300\n');
    const app = await generateIntoTempDir(dashboard(file));
    await buildApp(app.dir);
    const running = await runBuiltApp(app.dir, {});
    try {
      const data = (await (await fetch(`${running.url}/api/data`)).json()) as { sources: { total: number; columns: string[]; rows: Record<string, string>[]; error?: string }[] };
      expect(data.sources[0]?.error).toBeUndefined();
      expect(data.sources[0]).toMatchObject({ total: 3, columns: ['model', 'owner', 'price'] });
      expect(data.sources[0]?.rows.map((row) => row.model)).toEqual(['ThinkPad X1', 'Latitude 7440', 'MacBook Air']);
      const page = await (await fetch(running.url)).text();
      expect(page).toContain('Latitude 7440');
    } finally {
      await running.stop();
      await app.remove();
    }
  });

  it('says which setting is wrong when it is given a relative path', async () => {
    const app = await generateIntoTempDir(dashboard('/srv/exports/laptops.csv'));
    await buildApp(app.dir);
    const running = await runBuiltApp(app.dir, { SOURCE_1_FILE: 'laptops.csv' });
    try {
      const data = (await (await fetch(`${running.url}/api/data`)).json()) as { sources: { error?: string }[] };
      expect(data.sources[0]?.error).toMatch(/SOURCE_1_FILE must be the absolute path of a file on this workstation/);
    } finally {
      await running.stop();
      await app.remove();
    }
  });

  it('passes validation with a generated sample of the declared columns in place of the file', async () => {
    const report = await generateAndValidate(dashboard('/srv/exports/does-not-exist-here.csv'));
    expect(report.ok, describeReport(report)).toBe(true);
    expect(report.steps.find((step) => step.name === 'exercise')?.detail).toBe('page and data of 1 source');
  });

  it('is the input of a data tool and of an automation, validated with the sample too', async () => {
    const tool = await generateAndValidate({ ...dashboard('/srv/exports/laptops.csv'), name: 'laptop-report', kind: 'data-tool' });
    expect(tool.ok, describeReport(tool)).toBe(true);
    expect(tool.app.manifest.permissions.readPaths).toEqual([{ path: '/srv/exports/laptops.csv', setting: 'INPUT' }]);
    const automation = await generateAndValidate({ ...dashboard('C:\\exports\\laptops.csv'), name: 'laptop-watch', kind: 'automation', outputs: [{ type: 'file' }] });
    expect(automation.ok, describeReport(automation)).toBe(true);
    expect(automation.app.manifest.permissions.readPaths).toEqual([{ path: 'C:\\exports\\laptops.csv', setting: 'SOURCE_1_FILE' }]);
  });
});
