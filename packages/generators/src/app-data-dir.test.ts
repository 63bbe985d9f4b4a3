import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from './build-app.js';
import { listTemplates } from './list-templates.js';
import { generateIntoTempDir } from './testing/generated-app-dir.js';
import { runBuiltApp } from './testing/run-built-app.js';

const spec = { ...listTemplates().find((template) => template.kind === 'api-service')!.exampleSpec, auth: 'none' as const };
const cleanup: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(cleanup.map((remove) => remove())));

async function builtVersion(version: string) {
  const app = await generateIntoTempDir(spec, version);
  cleanup.push(app.remove);
  await buildApp(app.dir);
  return app;
}

describe('the app data directory', () => {
  it('keeps records across an upgrade when the agent passes APP_DATA_DIR, and prefers it to DATA_DIR', async () => {
    const appData = await mkdtemp(join(tmpdir(), 'app-data-'));
    const handRunData = await mkdtemp(join(tmpdir(), 'hand-run-data-'));
    cleanup.push(() => rm(appData, { recursive: true, force: true }), () => rm(handRunData, { recursive: true, force: true }));
    const env = { APP_DATA_DIR: appData, DATA_DIR: handRunData };

    const first = await builtVersion('1.0.0');
    const v1 = await runBuiltApp(first.dir, env);
    const created = await fetch(`${v1.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Printer jam', status: 'open' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(await v1.stop()).toBe(0);

    const second = await builtVersion('1.1.0');
    const v2 = await runBuiltApp(second.dir, env);
    try {
      const fetched = await fetch(`${v2.url}/api/tickets/${id}`);
      expect(fetched.status).toBe(200);
      expect(await fetched.json()).toMatchObject({ title: 'Printer jam' });
    } finally {
      await v2.stop();
    }
    expect(await readdir(appData)).toContain('tickets.json');
    expect(await readdir(handRunData)).toEqual([]);
  });

  it('falls back to DATA_DIR when run by hand', async () => {
    const app = await builtVersion('1.0.0');
    const handRunData = join(app.dir, 'hand-data');
    const running = await runBuiltApp(app.dir, { DATA_DIR: handRunData });
    try {
      const created = await fetch(`${running.url}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Desk lamp', status: 'open' }) });
      expect(created.status).toBe(201);
    } finally {
      await running.stop();
    }
    expect(await readdir(handRunData)).toContain('tickets.json');
  });

  it('documents APP_DATA_DIR in app.json and the README', async () => {
    const app = await builtVersion('1.0.0');
    expect(app.manifest.env.find((variable) => variable.name === 'APP_DATA_DIR')?.description).toMatch(/deploy agent/);
    expect(app.files.get('README.md')).toMatch(/`APP_DATA_DIR`[^\n]*upgrades/);
    expect(app.files.get('Dockerfile')).toContain('APP_DATA_DIR=/data');
  });
});
