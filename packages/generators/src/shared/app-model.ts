import type { AppLanguage, AppSpec, Entity, Field } from '@marketplace/spec';
import { GeneratorError } from '../errors.js';
import { catalogFor, format, humanize, languageOf } from '../i18n/catalog.js';

/** One environment variable the app reads: documented in its README and declared in app.json. */
export interface Setting {
  name: string;
  description: string;
  default?: string;
  required: boolean;
  secret: boolean;
  type?: 'integer';
}

/** A field whose label is always set: the spec's, or one made readable from its name. */
export type LabelledField = Field & { label: string };

export interface ModelEntity {
  name: string;
  /** How people call one record: the spec's label or a readable form of the name. */
  label: string;
  /** URL segment and data file name: "Ticket" → "tickets". */
  collection: string;
  /** OpenAPI schema name: "ticket" → "Ticket". */
  schemaName: string;
  fields: LabelledField[];
}

export interface ModelSource {
  type: 'http-json' | 'rss' | 'csv';
  label: string;
  /** The setting that holds the source's URL, data-directory path or workstation file. */
  setting: string;
  /** A read-only file on the workstation outside the data directory (its setting holds an absolute path). */
  workstation?: boolean;
}

/** A file outside the data directory the app reads, declared in app.json `permissions.readPaths`. */
export interface ReadPath {
  path: string;
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
  language: AppLanguage;
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

/** The fields with their labels filled in: pages, CSV headers and e-mails never show identifiers. */
export function labelledFields(fields: readonly Field[]): LabelledField[] {
  return fields.map((field) => ({ ...field, label: field.label?.trim() || humanize(field.name) }));
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
    return { name: entity.name, label: entity.label?.trim() || humanize(entity.name), collection, schemaName, fields: labelledFields(entity.fields) };
  });
}

/** The description of a setting in the app's language. */
export function describeSetting(language: AppLanguage, name: keyof ReturnType<typeof catalogFor>['build']['settings']): string {
  const text = catalogFor(language).build.settings[name];
  return typeof text === 'string' ? text : name;
}

/** PORT, HOST and the data directory: every app reads them. */
export function baseSettings(language: AppLanguage): Setting[] {
  return [
    { name: 'PORT', description: describeSetting(language, 'PORT'), default: '8080', required: false, secret: false },
    { name: 'HOST', description: describeSetting(language, 'HOST'), default: '0.0.0.0', required: false, secret: false },
    { name: 'APP_DATA_DIR', description: describeSetting(language, 'APP_DATA_DIR'), required: false, secret: false },
    { name: 'DATA_DIR', description: describeSetting(language, 'DATA_DIR'), default: './data', required: false, secret: false },
  ];
}

export function authSettings(auth: AppDefinition['auth'], language: AppLanguage): Setting[] {
  if (auth === 'api-key') {
    return [{ name: 'API_KEY', description: describeSetting(language, 'API_KEY'), required: true, secret: true }];
  }
  if (auth === 'sso') {
    return [{ name: 'SSO_USER_HEADER', description: describeSetting(language, 'SSO_USER_HEADER'), default: 'x-forwarded-user', required: false, secret: false }];
  }
  return [];
}

function mailSettings(language: AppLanguage): Setting[] {
  return [
    { name: 'SMTP_HOST', description: describeSetting(language, 'SMTP_HOST'), required: false, secret: false },
    { name: 'SMTP_PORT', description: describeSetting(language, 'SMTP_PORT'), default: '587', required: false, secret: false, type: 'integer' },
    { name: 'SMTP_SECURE', description: describeSetting(language, 'SMTP_SECURE'), default: 'false', required: false, secret: false },
    { name: 'SMTP_USER', description: describeSetting(language, 'SMTP_USER'), required: false, secret: false },
    { name: 'SMTP_PASS', description: describeSetting(language, 'SMTP_PASS'), required: false, secret: true },
  ];
}

export function scheduleSettings(spec: AppSpec, fallbackCron: string | undefined): Setting[] {
  const cron = spec.schedule?.cron ?? fallbackCron;
  const language = languageOf(spec);
  return [
    {
      name: 'SCHEDULE_CRON',
      description: describeSetting(language, 'SCHEDULE_CRON'),
      ...(cron === undefined ? {} : { default: cron }),
      required: false,
      secret: false,
    },
    {
      name: 'SCHEDULE_TIMEZONE',
      description: describeSetting(language, 'SCHEDULE_TIMEZONE'),
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
export function modelSources(spec: AppSpec, fallback?: ModelSource['type']): { sources: ModelSource[]; settings: Setting[]; skipped: string[]; readPaths: ReadPath[] } {
  const sources: ModelSource[] = [];
  const settings: Setting[] = [];
  const skipped: string[] = [];
  const readPaths: ReadPath[] = [];
  const text = catalogFor(languageOf(spec)).build;
  const label = (index: number, type: string) => format(text.sourceLabel, { index, type });
  for (const source of spec.sources ?? []) {
    if (source.type === 'imap') {
      skipped.push('imap');
      continue;
    }
    const index = sources.length + 1;
    if (source.workstationPath) {
      const setting = `SOURCE_${index}_FILE`;
      sources.push({ type: source.type, label: label(index, source.type), setting, workstation: true });
      settings.push({ name: setting, description: format(text.settings.sourceFile, { index }), default: source.workstationPath, required: false, secret: false });
      readPaths.push({ path: source.workstationPath, setting });
      continue;
    }
    const usesPath = source.type === 'csv' && !source.url;
    const setting = `SOURCE_${index}_${usesPath ? 'PATH' : 'URL'}`;
    const location = usesPath ? source.path : source.url;
    sources.push({ type: source.type, label: label(index, source.type), setting });
    settings.push({
      name: setting,
      description: usesPath ? format(text.settings.sourcePath, { index }) : format(text.settings.sourceUrl, { index, what: text.settings.sourceKinds[source.type] }),
      ...(location ? { default: location } : {}),
      required: !location,
      secret: false,
    });
  }
  if (sources.length === 0 && fallback) {
    const setting = fallback === 'csv' ? 'SOURCE_1_PATH' : 'SOURCE_1_URL';
    sources.push({ type: fallback, label: label(1, fallback), setting });
    settings.push(
      fallback === 'csv'
        ? { name: setting, description: text.settings.fallbackCsv, default: 'data.csv', required: false, secret: false }
        : { name: setting, description: format(text.settings.fallbackUrl, { what: text.settings.fallbackKinds[fallback] }), required: true, secret: false },
    );
  }
  return { sources, settings, skipped, readPaths };
}

function isSafeRelativePath(path: string): boolean {
  return path.length <= 255 && !/^([\\/]|[a-zA-Z]:)/.test(path) && !path.split(/[\\/]/).includes('..') && !path.includes('\0');
}

/** The outputs, each with a setting for its recipient, URL or file (default from the spec's target). */
export function modelOutputs(spec: AppSpec): { outputs: ModelOutput[]; settings: Setting[] } {
  const outputs: ModelOutput[] = [];
  const settings: Setting[] = [];
  const counters = { email: 0, webhook: 0, file: 0 };
  const language = languageOf(spec);
  const text = catalogFor(language).build.settings;
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
      settings.push({ name: setting, description: text.emailTo, ...(target ? { default: target } : {}), required: false, secret: false });
    } else if (output.type === 'webhook') {
      const setting = `WEBHOOK_${index}_URL`;
      const url = target && /^https?:\/\//i.test(target) ? target : undefined;
      outputs.push({ type: 'webhook', setting });
      settings.push({ name: setting, description: text.webhookUrl, ...(url ? { default: url } : {}), required: false, secret: false });
    } else {
      const setting = `FILE_${index}_PATH`;
      const path = target && isSafeRelativePath(target) ? target : `output-${index}.jsonl`;
      outputs.push({ type: 'file', setting });
      settings.push({ name: setting, description: text.filePath, default: path, required: false, secret: false });
    }
  }
  if (counters.email > 0) {
    settings.push(...mailSettings(language), { name: 'MAIL_FROM', description: describeSetting(language, 'MAIL_FROM'), default: `${spec.name}@localhost`, required: false, secret: false });
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
