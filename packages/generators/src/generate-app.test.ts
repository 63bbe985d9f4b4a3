import { appManifestSchema } from '@marketplace/release';
import { APP_KINDS, type AppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { GeneratorError } from './errors.js';
import { generateApp } from './generate-app.js';
import { listTemplates } from './list-templates.js';
import { readTemplate } from './shared/read-template.js';
import { importDataModule } from './testing/generated-app-dir.js';

const HOSTILE_TITLE = '</script><script>alert(1)</script> ${process.exit(1)} `; process.exit(2); // \u2028 "quoted" \'single\'';

function example(kind: AppSpec['kind']): AppSpec {
  return listTemplates().find((template) => template.kind === kind)!.exampleSpec;
}

function failure(run: () => unknown): GeneratorError {
  try {
    run();
  } catch (error) {
    if (error instanceof GeneratorError) return error;
    throw error;
  }
  throw new Error('expected a GeneratorError');
}

describe('generateApp refuses bad input', () => {
  it('lists every schema issue of an invalid spec', () => {
    const error = failure(() => generateApp({ ...example('api-service'), name: 'Not A Slug', title: '' }, { version: '1.0.0' }));
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['name', 'title']);
    expect(error.message).toContain('name: must be a slug');
  });

  it('names an unknown kind and the kinds there are', () => {
    const error = failure(() => generateApp({ ...example('api-service'), kind: 'spreadsheet' }, { version: '1.0.0' }));
    expect(error.code).toBe('UNKNOWN_KIND');
    expect(error.message).toContain('"spreadsheet"');
    for (const kind of APP_KINDS) expect(error.message).toContain(kind);
  });

  it('refuses a schedule the app could not run', () => {
    const cron = failure(() => generateApp({ ...example('automation'), schedule: { cron: 'every monday' } }, { version: '1.0.0' }));
    expect(cron.code).toBe('INVALID_SCHEDULE');
    expect(cron.message).toContain('"every monday"');
    const zone = failure(() => generateApp({ ...example('automation'), schedule: { cron: '0 * * * *', timezone: 'Mars/Olympus' } }, { version: '1.0.0' }));
    expect(zone.code).toBe('INVALID_SCHEDULE');
  });

  it('refuses a version that is not semantic', () => {
    expect(failure(() => generateApp(example('form-app'), { version: 'latest' })).code).toBe('INVALID_VERSION');
  });
});

describe.each(APP_KINDS)('generateApp for %s', (kind) => {
  const spec: AppSpec = {
    ...example(kind),
    title: HOSTILE_TITLE,
    summary: '<img src=x onerror=alert(1)> ${globalThis.pwned = 1}',
    entities: [
      {
        name: 'constructor',
        fields: [
          { name: 'class', type: 'enum', values: ['__proto__', '<b>bold</b>', '"); process.exit(3); ("', '=1+1'], required: true },
          { name: 'toString', type: 'string' },
          { name: 'amount', type: 'number' },
        ],
      },
    ],
  };
  const app = generateApp(spec, { version: '2.1.0' });

  it('writes a complete app: server, tests, Dockerfile, README, app.json', () => {
    for (const file of ['src/server.mjs', 'src/app.mjs', 'src/definition.mjs', 'src/lib/http.mjs', 'test/helpers.mjs', 'test/fixtures.mjs', 'Dockerfile', 'README.md', 'app.json', 'package.json']) {
      expect(app.files.has(file), file).toBe(true);
    }
    expect([...app.files.keys()].some((file) => /^test\/.+\.test\.mjs$/.test(file))).toBe(true);
    expect(app.files.get('Dockerfile')).toContain('FROM node:20-slim');
    expect(app.files.get('Dockerfile')).toContain('USER node');
    expect(app.files.get('Dockerfile')).toContain('CMD ["node", "dist/server.mjs"]');
  });

  it('writes an app.json valid against the manifest schema, with every setting documented', () => {
    const manifest = appManifestSchema.parse(JSON.parse(app.files.get('app.json')!));
    expect(manifest).toEqual(app.manifest);
    expect(manifest.kind).toBe(kind);
    expect(manifest.version).toBe('2.1.0');
    const readme = app.files.get('README.md')!;
    for (const variable of manifest.env) expect(readme).toContain(`\`${variable.name}\``);
    expect(manifest.env.map((variable) => variable.name)).toEqual(expect.arrayContaining(['PORT', 'APP_DATA_DIR', 'DATA_DIR']));
  });

  it('puts spec text into code only as JSON data', async () => {
    // Every source file except the two data modules is a template copied byte for byte.
    for (const [path, content] of app.files) {
      if (!path.endsWith('.mjs') || path === 'src/definition.mjs' || path === 'test/fixtures.mjs') continue;
      expect(content.includes('process.exit(2)'), path).toBe(false);
      expect(content.includes('pwned'), path).toBe(false);
    }
    const { definition } = (await importDataModule(app.files.get('src/definition.mjs')!)) as { definition: Record<string, unknown> };
    expect(definition.title).toBe(HOSTILE_TITLE);
    expect(definition.summary).toBe(spec.summary);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    await importDataModule(app.files.get('test/fixtures.mjs')!);
  });

  it('copies the shared modules unchanged, so every kind uses the same code', () => {
    expect(app.files.get('src/lib/http.mjs')).toBe(readTemplate('shared/templates/lib/http.mjs'));
    expect(app.files.get('src/server.mjs')).toBe(readTemplate('shared/templates/server.mjs'));
  });

  it('escapes spec text in the README', () => {
    const readme = app.files.get('README.md')!;
    expect(readme).not.toContain('<script>');
    expect(readme).not.toContain('<img');
    expect(readme).toContain('&lt;/script&gt;');
  });
});
