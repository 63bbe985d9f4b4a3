import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GeneratedApp, generateApp } from '../generate-app.js';
import type { AppSpec } from '@marketplace/spec';
import type { SandboxMode } from '../validate/sandbox.js';
import { type ValidationReport, validateApp } from '../validate/validate-app.js';
import { writeApp } from '../write-app.js';

/** Generates an app from `spec` into a fresh temporary directory (tests only). */
export async function generateIntoTempDir(spec: unknown, version = '1.0.0'): Promise<GeneratedApp & { dir: string; remove: () => Promise<void> }> {
  const app = generateApp(spec, { version });
  const dir = await mkdtemp(join(tmpdir(), 'generated-app-'));
  await writeApp(dir, app.files);
  return { ...app, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Imports a generated data module (definition.mjs, fixtures.mjs) from its source text. */
export async function importDataModule(source: string): Promise<Record<string, unknown>> {
  return (await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`)) as Record<string, unknown>;
}

/** Generates, builds and validates an app; removes its directory afterwards (tests only). */
export async function generateAndValidate(spec: AppSpec, options: { sandbox?: SandboxMode | 'auto' } = {}): Promise<ValidationReport & { app: GeneratedApp }> {
  const app = await generateIntoTempDir(spec);
  try {
    const report = await validateApp({ dir: app.dir, spec, manifest: app.manifest, sandbox: options.sandbox ?? 'auto' });
    return { ...report, app };
  } finally {
    await app.remove();
  }
}

/** A readable account of a failed validation, for assertion messages. */
export function describeReport(report: ValidationReport): string {
  return report.steps.map((step) => `${step.name}: ${step.ok ? 'ok' : 'FAILED'} ${step.detail ?? ''}${step.ok ? '' : `\n${step.output ?? ''}`}`).join('\n');
}
