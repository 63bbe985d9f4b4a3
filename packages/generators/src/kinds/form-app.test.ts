import type { AppSpec } from '@marketplace/spec';
import { describe, expect, it } from 'vitest';
import { generateApp } from '../generate-app.js';
import { describeReport, generateAndValidate } from '../testing/generated-app-dir.js';
import { formApp } from './form-app.js';

const spec: AppSpec = {
  specVersion: 1,
  name: 'incident-report',
  title: 'Report an incident <fast>',
  summary: 'Tell facilities what broke.',
  kind: 'form-app',
  entities: [
    {
      name: 'incident',
      fields: [
        { name: 'reporter', type: 'email', required: true, label: 'Your email' },
        { name: 'severity', type: 'enum', values: ['low', 'high', 'on fire "now"'], required: true },
        { name: 'what', type: 'text', required: true },
        { name: 'floor', type: 'integer' },
        { name: 'urgent', type: 'boolean' },
        { name: 'seenAt', type: 'datetime' },
      ],
    },
  ],
  outputs: [{ type: 'webhook', target: 'https://hooks.example.com/facilities' }, { type: 'email', target: 'facilities@example.com' }],
};

describe('form-app generator', () => {
  it('declares the webhook host and mail in the manifest permissions', () => {
    const { manifest } = generateApp(spec, { version: '1.0.0' });
    expect(manifest.permissions).toEqual({ network: ['hooks.example.com'], mail: true, filesystem: 'data-dir' });
    expect(manifest.env.map((variable) => variable.name)).toEqual(expect.arrayContaining(['WEBHOOK_1_URL', 'EMAIL_1_TO', 'SMTP_HOST', 'SMTP_PASS', 'MAIL_FROM']));
    expect(manifest.env.find((variable) => variable.name === 'SMTP_PASS')?.secret).toBe(true);
  });

  it('falls back to name, email and message when the spec has no fields', () => {
    const build = formApp.build({ ...spec, entities: undefined });
    const form = build.extras?.form as { fields: { name: string }[] };
    expect(form.fields.map((field) => field.name)).toEqual(['name', 'email', 'message']);
  });

  it('prepares a formula-shaped answer to test the CSV export with', () => {
    const fixtures = formApp.build(spec).fixtures as { formulaSample: Record<string, unknown> };
    expect(fixtures.formulaSample.what).toBe('=1+1');
  });

  it('generates an app that builds, passes its own tests and takes a submission in the sandbox', async () => {
    const report = await generateAndValidate(spec);
    expect(report.ok, describeReport(report)).toBe(true);
    expect(report.steps.find((step) => step.name === 'exercise')?.detail).toContain('exported CSV');
  });

  it('generates a Polish app that passes its own tests and the sandbox as well', async () => {
    const report = await generateAndValidate({ ...spec, language: 'pl' });
    expect(report.ok, describeReport(report)).toBe(true);
  });
});
