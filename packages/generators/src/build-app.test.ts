import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './build-app.js';
import { GeneratorError } from './errors.js';
import { listTemplates } from './list-templates.js';
import { generateIntoTempDir } from './testing/generated-app-dir.js';
import { runBuiltApp } from './testing/run-built-app.js';

describe('buildApp', () => {
  let app: Awaited<ReturnType<typeof generateIntoTempDir>>;
  beforeAll(async () => {
    app = await generateIntoTempDir(listTemplates().find((template) => template.kind === 'automation')!.exampleSpec);
  });
  afterAll(() => app.remove());

  it('bundles the app and its libraries into one file that runs without node_modules', async () => {
    const result = await buildApp(app.dir);
    expect(result.outputFile).toBe(join(app.dir, 'dist', 'server.mjs'));
    const bundle = await readFile(result.outputFile, 'utf8');
    expect(bundle).not.toMatch(/from ["'](croner|fast-xml-parser|csv-parse|nodemailer)/);
    // The temp dir has no node_modules anywhere above it: a missing library would fail here.
    const running = await runBuiltApp(app.dir, { API_KEY: 'k', SOURCE_1_URL: 'http://127.0.0.1:9/', SCHEDULE_CRON: 'off' });
    expect(running.logs.join('\n')).toContain('"msg":"listening"');
    expect(await running.stop()).toBe(0);
  });

  it('refuses an import of a package the apps may not use', async () => {
    await writeFile(join(app.dir, 'src', 'app.mjs'), "import express from 'express';\nexport const createApp = express;\n");
    const error = await buildApp(app.dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GeneratorError);
    expect((error as GeneratorError).code).toBe('BUILD_FAILED');
    expect((error as GeneratorError).message).toContain('"express" is not available to generated apps');
  });

  it('says which directory is not an app', async () => {
    const error = await buildApp(join(app.dir, 'nowhere')).catch((caught: unknown) => caught);
    expect((error as GeneratorError).code).toBe('INVALID_APP_DIR');
  });
});
