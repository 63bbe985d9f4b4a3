import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AppKind, AppSpec } from '@marketplace/spec';
import { buildApp } from '../build-app.js';
import { generateIntoTempDir } from './generated-app-dir.js';
import { runBuiltApp } from './run-built-app.js';

/** What people see of one app: its pages and other outputs by name, and its README. */
export interface RenderedApp {
  outputs: Record<string, string>;
  readme: string;
}

const JSON_POST = { method: 'POST', headers: { 'content-type': 'application/json' } };
const FORM_POST = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' as const };

async function text(response: Response): Promise<string> {
  return response.text();
}

/** Lines the file output appended (the same subject and text an e-mail carries). */
async function notifications(dataDir: string, file: string): Promise<string> {
  const lines = (await readFile(join(dataDir, file), 'utf8')).trim().split('\n');
  return lines.map((line) => {
    const { subject, text: body } = JSON.parse(line) as { subject: string; text: string };
    return `${subject}\n${body}`;
  }).join('\n');
}

/** The summaries and descriptions of an OpenAPI document: its text for people. */
function describedIn(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => ((key === 'summary' || key === 'description') && typeof inner === 'string' ? [inner] : describedIn(inner)));
}

/** A JSON source on loopback for the automation. */
async function jsonSource(items: unknown[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items })));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** What the form is filled in with, by field type (text fields get a Polish sentence). */
export const FORM_VALUES: Partial<Record<string, string>> = { integer: '3', number: '1234.5', email: 'anna@example.com', date: '2024-05-31', boolean: 'on' };

/** A form value as JSON carries it. */
function typed(field: { type: string }, value: string): unknown {
  if (field.type === 'integer' || field.type === 'number') return Number(value);
  if (field.type === 'boolean') return value === 'on';
  return value;
}

type Visit = (url: string, dataDir: string, spec: AppSpec) => Promise<Record<string, string>>;

/**
 * Uses the app the way its users would, so every page and message it can show is rendered:
 * `input` is the CSV the dashboard or the data tool reads, `items` what the automation's source serves.
 */
const VISITS: Record<AppKind, Visit> = {
  'api-service': async (url, _, spec) => {
    const collection = `${spec.entities![0]!.name}s`;
    return {
      home: await text(await fetch(`${url}/`)),
      invalid: await text(await fetch(`${url}/api/${collection}`, { ...JSON_POST, body: JSON.stringify({ unknown: 1 }) })),
      missing: await text(await fetch(`${url}/api/${collection}/nope`)),
      notFound: await text(await fetch(`${url}/nowhere`)),
      openapi: describedIn(await (await fetch(`${url}/openapi.json`)).json()).join('\n'),
    };
  },
  'form-app': async (url, dataDir, spec) => {
    const fields = spec.entities![0]!.fields;
    const value = (field: (typeof fields)[number]): string => (field.type === 'enum' ? field.values![0]! : (FORM_VALUES[field.type] ?? 'Zepsuty ekspres'));
    const valid = Object.fromEntries(fields.map((field) => [field.name, value(field)]));
    const outputs = {
      form: await text(await fetch(`${url}/`)),
      invalid: await text(await fetch(`${url}/submit`, { ...FORM_POST, body: new URLSearchParams({}).toString() })),
      invalidJson: await text(await fetch(`${url}/submit`, { ...JSON_POST, body: JSON.stringify({ [fields[0]!.name]: 42 }) })),
    };
    const saved = await fetch(`${url}/submit`, { ...FORM_POST, body: new URLSearchParams(valid).toString() });
    if (saved.status !== 303) throw new Error(`the form refused a valid submission: ${await saved.text()}`);
    const pages = {
      ...outputs,
      thanks: await text(await fetch(`${url}/?submitted=1`)),
      submissions: await text(await fetch(`${url}/submissions`)),
      csvHeader: (await text(await fetch(`${url}/submissions.csv`))).split('\r\n')[0]!,
    };
    // A second answer sent as JSON, after the pages above counted one: its answer says where it went.
    const sent = (await (await fetch(`${url}/submit`, { ...JSON_POST, body: JSON.stringify(Object.fromEntries(fields.map((field) => [field.name, typed(field, value(field))]))) })).json()) as { notifications: { detail: string }[] };
    return { ...pages, delivered: sent.notifications.map((notification) => notification.detail).join('\n'), mail: await notifications(dataDir, 'powiadomienia.jsonl') };
  },
  'web-dashboard': async (url) => ({ page: await text(await fetch(`${url}/`)) }),
  automation: async (url, dataDir) => {
    const before = await text(await fetch(`${url}/`));
    const run = await fetch(`${url}/run`, JSON_POST);
    if (run.status !== 200) throw new Error(`the run failed: ${await run.text()}`);
    return { before, after: await text(await fetch(`${url}/`)), mail: await notifications(dataDir, 'powiadomienia.jsonl') };
  },
  'data-tool': async (url, dataDir) => {
    const before = await text(await fetch(`${url}/`));
    const noReport = await text(await fetch(`${url}/api/report`));
    const run = await fetch(`${url}/run`, JSON_POST);
    if (run.status !== 200) throw new Error(`the run failed: ${await run.text()}`);
    return {
      before,
      noReport,
      after: await text(await fetch(`${url}/`)),
      csvHeader: (await text(await fetch(`${url}/reports/latest.csv`))).split('\r\n')[0]!,
      mail: await notifications(dataDir, 'powiadomienia.jsonl'),
    };
  },
};

/** Generates, builds and runs the app of `spec`, renders what it shows, and removes it. */
export async function renderApp(spec: AppSpec, data: { input?: string; items?: unknown[] } = {}): Promise<RenderedApp> {
  const app = await generateIntoTempDir(spec);
  const source = data.items ? await jsonSource(data.items) : undefined;
  try {
    await buildApp(app.dir);
    const dataDir = join(app.dir, 'app-data');
    await mkdir(dataDir, { recursive: true });
    if (data.input) await writeFile(join(dataDir, 'dane.csv'), data.input);
    const env: Record<string, string> = { APP_DATA_DIR: dataDir, SCHEDULE_CRON: 'off', ...(source ? { SOURCE_1_URL: source.url } : {}) };
    const running = await runBuiltApp(app.dir, env);
    try {
      return { outputs: await VISITS[spec.kind](running.url, dataDir, spec), readme: app.files.get('README.md')! };
    } finally {
      await running.stop();
    }
  } finally {
    await source?.close();
    await app.remove();
  }
}
