import type { AppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { generateApp } from '../generate-app.js';
import { describeReport, generateAndValidate, importDataModule } from '../testing/generated-app-dir.js';
import { apiService } from './api-service.js';

const spec: AppSpec = {
  specVersion: 1,
  name: 'asset-register',
  title: 'Asset register',
  summary: 'Laptops and who has them.',
  kind: 'api-service',
  entities: [
    {
      name: 'laptop',
      fields: [
        { name: 'serial', type: 'string', required: true },
        { name: 'status', type: 'enum', values: ['in use', 'spare', 'broken'], required: true },
        { name: 'owner', type: 'email' },
        { name: 'purchasedOn', type: 'date' },
        { name: 'price', type: 'number' },
        { name: 'ramGb', type: 'integer' },
        { name: 'encrypted', type: 'boolean' },
        { name: 'lastSeen', type: 'datetime' },
        { name: 'inventoryUrl', type: 'url' },
        { name: 'notes', type: 'text' },
      ],
    },
    { name: 'class', fields: [{ name: 'constructor', type: 'string', required: true }] },
  ],
  auth: 'api-key',
};

describe('api-service generator', () => {
  it('gives every entity a collection path and an OpenAPI schema name', () => {
    const build = apiService.build(spec);
    expect(build.entities?.map((entity) => [entity.collection, entity.schemaName])).toEqual([
      ['laptops', 'Laptop'],
      ['classes', 'Class'],
    ]);
  });

  it('asks for API_KEY as a required secret when auth is api-key, and for nothing with sso', () => {
    const withKey = generateApp(spec, { version: '1.0.0' }).manifest.env.find((variable) => variable.name === 'API_KEY');
    expect(withKey).toMatchObject({ required: true, secret: true });
    const sso = generateApp({ ...spec, auth: 'sso' }, { version: '1.0.0' }).manifest.env.map((variable) => variable.name);
    expect(sso).toContain('SSO_USER_HEADER');
    expect(sso).not.toContain('API_KEY');
  });

  it('makes one "item" collection when the spec has no entity yet', async () => {
    const app = generateApp({ ...spec, entities: undefined }, { version: '1.0.0' });
    const { definition } = (await importDataModule(app.files.get('src/definition.mjs')!)) as { definition: { entities: { collection: string }[] } };
    expect(definition.entities.map((entity) => entity.collection)).toEqual(['items']);
  });

  it('documents every endpoint in the README', () => {
    const readme = generateApp(spec, { version: '1.0.0' }).files.get('README.md')!;
    for (const route of ['GET /api/laptops', 'POST /api/laptops', 'PATCH /api/laptops/:id', 'DELETE /api/classes/:id', 'GET /openapi.json']) expect(readme).toContain(route);
  });

  it('generates an app that builds, passes its own tests and serves create + list in the sandbox', async () => {
    const report = await generateAndValidate(spec);
    expect(report.ok, describeReport(report)).toBe(true);
    expect(report.steps.map((step) => step.name)).toEqual(['build', 'test', 'start', 'health', 'exercise', 'stop']);
    expect(report.steps.find((step) => step.name === 'exercise')?.detail).toMatch(/^created laptops\//);
  });

  it('generates a Polish app that passes its own tests and the sandbox as well', async () => {
    const report = await generateAndValidate({ ...spec, language: 'pl' });
    expect(report.ok, describeReport(report)).toBe(true);
  });
});
