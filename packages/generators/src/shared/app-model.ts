import type { AppSpec, Entity, Field } from '@marketplace/spec';
import { GeneratorError } from '../errors.js';

/** One environment variable the app reads: documented in its README and declared in app.json. */
export interface Setting {
  name: string;
  description: string;
  default?: string;
  required: boolean;
  secret: boolean;
  type?: 'integer';
}

export interface ModelEntity {
  name: string;
  /** URL segment and data file name: "Ticket" → "tickets". */
  collection: string;
  /** OpenAPI schema name: "ticket" → "Ticket". */
  schemaName: string;
  fields: Field[];
}

export interface ModelSource {
  type: 'http-json' | 'rss' | 'csv';
  label: string;
  /** The setting that holds the source's URL or data-directory path. */
  setting: string;
}

export interface ModelOutput {
  type: 'email' | 'webhook' | 'file' | 'dashboard';
  setting?: string;
}

/** Everything the generated code needs to know about the app: written to src/definition.mjs as JSON. */
export interface AppDefinition {
  name: string;
  title: string;
  summary: string;
  kind: AppSpec['kind'];
  version: string;
  auth: 'none' | 'sso' | 'api-key';
  entities: ModelEntity[];
  sources: ModelSource[];
  outputs: ModelOutput[];
  schedule?: { cron: string; timezone?: string };
  settings: Setting[];
  [extra: string]: unknown;
}

function pluralize(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_+/g, '-')
    .toLowerCase();
}

/** Entities with unique collection paths and schema names. */
export function modelEntities(entities: readonly Entity[]): ModelEntity[] {
  const used = new Set<string>(['submissions', 'runs', 'seen']);
  const usedSchemas = new Set<string>(['Problem']);
  return entities.map((entity) => {
    let collection = pluralize(kebab(entity.name));
    for (let suffix = 2; used.has(collection); suffix += 1) collection = `${pluralize(kebab(entity.name))}-${suffix}`;
    used.add(collection);
    const base = entity.name.charAt(0).toUpperCase() + entity.name.slice(1);
    let schemaName = base;
    for (let suffix = 2; usedSchemas.has(schemaName) || usedSchemas.has(`${schemaName}Input`); suffix += 1) schemaName = `${base}${suffix}`;
    usedSchemas.add(schemaName).add(`${schemaName}Input`);
    return { name: entity.name, collection, schemaName, fields: entity.fields };
  });
}

export const BASE_SETTINGS: readonly Setting[] = [
  { name: 'PORT', description: 'TCP port the app listens on (0 picks a free one).', default: '8080', required: false, secret: false },
  { name: 'HOST', description: 'Address to listen on; 127.0.0.1 keeps the app local to the machine.', default: '0.0.0.0', required: false, secret: false },
  { name: 'APP_DATA_DIR', description: 'Directory where the app keeps its data files; the deploy agent sets it to one directory per app that is kept across upgrades.', required: false, secret: false },
  { name: 'DATA_DIR', description: 'Data directory for hand runs, used only when APP_DATA_DIR is not set.', default: './data', required: false, secret: false },
];

export function authSettings(auth: AppDefinition['auth']): Setting[] {
  if (auth === 'api-key') {
    return [{ name: 'API_KEY', description: 'Secret key callers send as "Authorization: Bearer <key>" or "X-API-Key: <key>".', required: true, secret: true }];
  }
  if (auth === 'sso') {
    return [{ name: 'SSO_USER_HEADER', description: 'Header in which the single sign-on proxy in front of the app passes the signed-in user.', default: 'x-forwarded-user', required: false, secret: false }];
  }
  return [];
}

export const MAIL_SETTINGS: readonly Setting[] = [
  { name: 'SMTP_HOST', description: 'SMTP server for outgoing mail; mail is skipped while it is empty.', required: false, secret: false },
  { name: 'SMTP_PORT', description: 'SMTP port.', default: '587', required: false, secret: false, type: 'integer' },
  { name: 'SMTP_SECURE', description: '"true" to use TLS from the start (port 465), otherwise STARTTLS when offered.', default: 'false', required: false, secret: false },
  { name: 'SMTP_USER', description: 'SMTP user name, when the server needs a login.', required: false, secret: false },
  { name: 'SMTP_PASS', description: 'SMTP password.', required: false, secret: true },
];

export function scheduleSettings(spec: AppSpec, fallbackCron: string | undefined): Setting[] {
  const cron = spec.schedule?.cron ?? fallbackCron;
  return [
    {
      name: 'SCHEDULE_CRON',
      description: 'When to run, as a five-field cron expression (minute hour day month weekday); "off" disables the schedule.',
      ...(cron === undefined ? {} : { default: cron }),
      required: false,
      secret: false,
    },
    {
      name: 'SCHEDULE_TIMEZONE',
      description: 'Time zone of the schedule (e.g. Europe/Paris); empty means the TZ of the machine.',
      ...(spec.schedule?.timezone ? { default: spec.schedule.timezone } : {}),
      required: false,
      secret: false,
    },
  ];
}

/**
 * The sources the app reads, each with a setting holding its URL or path (default from the
 * spec). IMAP sources are left out and named in `skipped`: the generated apps cannot read mailboxes yet.
 */
export function modelSources(spec: AppSpec, fallback?: ModelSource['type']): { sources: ModelSource[]; settings: Setting[]; skipped: string[] } {
  const sources: ModelSource[] = [];
  const settings: Setting[] = [];
  const skipped: string[] = [];
  for (const source of spec.sources ?? []) {
    if (source.type === 'imap') {
      skipped.push('imap');
      continue;
    }
    const index = sources.length + 1;
    const usesPath = source.type === 'csv' && !source.url;
    const setting = `SOURCE_${index}_${usesPath ? 'PATH' : 'URL'}`;
    const location = usesPath ? source.path : source.url;
    sources.push({ type: source.type, label: `Source ${index} (${source.type})`, setting });
    settings.push({
      name: setting,
      description: usesPath ? `CSV file of source ${index}, relative to DATA_DIR.` : `URL of source ${index} (${source.type === 'rss' ? 'an RSS or Atom feed' : source.type === 'csv' ? 'a CSV file' : 'a JSON document'}).`,
      ...(location ? { default: location } : {}),
      required: !location,
      secret: false,
    });
  }
  if (sources.length === 0 && fallback) {
    const setting = fallback === 'csv' ? 'SOURCE_1_PATH' : 'SOURCE_1_URL';
    sources.push({ type: fallback, label: `Source 1 (${fallback})`, setting });
    settings.push(
      fallback === 'csv'
        ? { name: setting, description: 'CSV file to show, relative to DATA_DIR.', default: 'data.csv', required: false, secret: false }
        : { name: setting, description: `URL of the ${fallback === 'rss' ? 'RSS or Atom feed' : 'JSON document'} to watch.`, required: true, secret: false },
    );
  }
  return { sources, settings, skipped };
}

function isSafeRelativePath(path: string): boolean {
  return path.length <= 255 && !/^([\\/]|[a-zA-Z]:)/.test(path) && !path.split(/[\\/]/).includes('..') && !path.includes('\0');
}

/** The outputs, each with a setting for its recipient, URL or file (default from the spec's target). */
export function modelOutputs(spec: AppSpec): { outputs: ModelOutput[]; settings: Setting[] } {
  const outputs: ModelOutput[] = [];
  const settings: Setting[] = [];
  const counters = { email: 0, webhook: 0, file: 0 };
  for (const output of spec.outputs ?? []) {
    if (output.type === 'dashboard') {
      outputs.push({ type: 'dashboard' });
      continue;
    }
    counters[output.type] += 1;
    const index = counters[output.type];
    const target = output.target?.trim() || undefined;
    if (output.type === 'email') {
      const setting = `EMAIL_${index}_TO`;
      outputs.push({ type: 'email', setting });
      settings.push({ name: setting, description: 'Email address(es) to notify, comma separated.', ...(target ? { default: target } : {}), required: false, secret: false });
    } else if (output.type === 'webhook') {
      const setting = `WEBHOOK_${index}_URL`;
      const url = target && /^https?:\/\//i.test(target) ? target : undefined;
      outputs.push({ type: 'webhook', setting });
      settings.push({ name: setting, description: 'URL that receives a JSON POST for each notification.', ...(url ? { default: url } : {}), required: false, secret: false });
    } else {
      const setting = `FILE_${index}_PATH`;
      const path = target && isSafeRelativePath(target) ? target : `output-${index}.jsonl`;
      outputs.push({ type: 'file', setting });
      settings.push({ name: setting, description: 'File inside DATA_DIR to which each notification is appended as a JSON line.', default: path, required: false, secret: false });
    }
  }
  if (counters.email > 0) {
    settings.push(...MAIL_SETTINGS, { name: 'MAIL_FROM', description: 'Sender address of the mails.', default: `${spec.name}@localhost`, required: false, secret: false });
  }
  return { outputs, settings };
}

/** Hosts the app may reach, for app.json permissions: those of the URLs it is configured with. */
export function networkHosts(urls: readonly (string | undefined)[]): string[] {
  const hosts = new Set<string>();
  for (const url of urls) {
    if (!url || !/^https?:\/\//i.test(url)) continue;
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      continue;
    }
    if (!/^[a-zA-Z0-9.\-*:[\]]+$/.test(host)) {
      throw new GeneratorError('UNSUPPORTED_SPEC', `The host of ${JSON.stringify(url)} cannot be declared as a network permission (only letters, digits, dots, hyphens and a port); use a plain host name.`);
    }
    hosts.add(host.toLowerCase());
  }
  return [...hosts].sort();
}
