import type { AppManifest } from '@marketplace/release';
import type { Field } from '@marketplace/spec';
import { type BuildMessages, catalogFor, format } from '../i18n/catalog.js';
import type { AppDefinition, ReadPath, Setting } from './app-model.js';

/** Libraries bundled into the apps, with the versions this package builds them with. */
export const BUNDLED_LIBRARIES = { croner: '11.0.1', 'csv-parse': '7.0.3', 'fast-xml-parser': '5.12.1', nodemailer: '10.6.0' } as const;

export function packageJson(definition: AppDefinition, bundled: readonly (keyof typeof BUNDLED_LIBRARIES)[]): string {
  const devDependencies: Record<string, string> = { esbuild: '0.28.2' };
  for (const name of bundled) devDependencies[name] = BUNDLED_LIBRARIES[name];
  const build = 'esbuild src/server.mjs --bundle --platform=node --format=esm --target=node20 --outfile=dist/server.mjs --banner:js="import { createRequire } from \'node:module\'; const require = createRequire(import.meta.url);"';
  return `${JSON.stringify(
    {
      name: definition.name,
      version: definition.version,
      private: true,
      description: definition.summary.slice(0, 200),
      type: 'module',
      engines: { node: '>=20' },
      scripts: { start: 'node dist/server.mjs', test: 'node --test test/', build },
      devDependencies,
    },
    null,
    2,
  )}\n`;
}

export function dockerfile(): string {
  return `# The app runs from its bundle: no npm install in the image.
FROM node:20-slim
ENV NODE_ENV=production PORT=8080 APP_DATA_DIR=/data
WORKDIR /app
COPY app.json package.json ./
COPY dist/ ./dist/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server.mjs"]
`;
}

export const DOCKERIGNORE = 'data/\nnode_modules/\ntest/\n.validate/\n';
export const GITIGNORE = 'data/\nnode_modules/\n.validate/\n';

/** app.json before schema validation (the caller parses it with appManifestSchema). */
export function manifestInput(definition: AppDefinition, permissions: { network: string[]; mail: boolean; readPaths: ReadPath[]; mcpTools?: boolean }): AppManifest {
  return {
    manifestVersion: 1,
    name: definition.name,
    version: definition.version,
    kind: definition.kind,
    title: definition.title,
    runtime: { name: 'node', version: '>=20' },
    start: ['node', 'dist/server.mjs'],
    port: 8080,
    health: { path: '/healthz', timeoutSeconds: 30 },
    resources: { memoryMb: 256, cpu: 0.5, diskMb: 512 },
    permissions: { network: permissions.network, mail: permissions.mail, filesystem: 'data-dir', ...(permissions.readPaths.length ? { readPaths: permissions.readPaths } : {}), ...(permissions.mcpTools ? { mcpTools: true } : {}) },
    env: definition.settings.map((setting) => ({ name: setting.name, description: setting.description, required: setting.required, secret: setting.secret })),
  };
}

/**
 * A markdown list of fields as people read them: the label, the type in words, the choices of an enum
 * and whether it is required; the identifier last, in code, where a developer needs it (`named`: the
 * API's field name, or the CSV header a data tool reads).
 */
export function fieldList(fields: readonly (Field & { label: string })[], requiredText: string | null, text: BuildMessages['readme'], named: 'fieldInApi' | 'columnInCsv'): string {
  return fields
    .map((field) => {
      const values = field.type === 'enum' ? ` (${(field.values ?? []).map(markdownText).join(', ')})` : '';
      const identifier = format(text[named], { name: `\`${field.name.replace(/`/g, "'")}\`` });
      return `- ${markdownText(field.label)}: ${text.fieldTypes[field.type]}${values}${requiredText && field.required ? requiredText : ''} (${identifier})`;
    })
    .join('\n');
}

/** Markdown text from spec strings: no HTML, no line breaks that would end a table cell. */
export function markdownText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function settingsTable(settings: readonly Setting[], text: BuildMessages['readme']): string {
  const rows = settings.map((setting) => {
    const value = setting.default === undefined ? (setting.required ? text.required : text.emptyDefault) : `\`${markdownText(setting.default).replace(/`/g, "'")}\``;
    return `| \`${setting.name}\` | ${value} | ${markdownText(setting.description)}${setting.secret ? ` ${text.secret}` : ''} |`;
  });
  return [`| ${text.variable} | ${text.default} | ${text.whatItDoes} |`, '| --- | --- | --- |', ...rows].join('\n');
}

export interface ReadmeParts {
  /** A paragraph saying what the app does. */
  about: string;
  /** [method and path, what it does] */
  endpoints: [string, string][];
  /** Extra sections (markdown), e.g. the fields of the form. */
  sections?: string[];
  /** Routes that stay open whatever the auth mode. */
  access?: string;
  notes?: string[];
}

/** The README of the app, in the app's language. */
export function readme(definition: AppDefinition, parts: ReadmeParts, files: readonly string[]): string {
  const text = catalogFor(definition.language).build.readme;
  const auth = { none: text.authNone, 'api-key': text.authApiKey, sso: text.authSso }[definition.auth];
  return `# ${markdownText(definition.title)}

${markdownText(definition.summary) || text.noSummary}

${format(text.generated, { kind: text.kindNames[definition.kind], version: definition.version })} ${parts.about} ${text.language}

## ${text.runIt}

\`\`\`sh
node dist/server.mjs            # ${text.needsNode}
\`\`\`

${text.dataDir}
${text.health}

${text.docker} \`docker build -t ${definition.name} . && docker run -p 8080:8080 -v ${definition.name}-data:/data ${definition.name}\`.

## ${text.settings}

${text.settingsIntro}

${settingsTable(definition.settings, text)}

## ${text.endpoints}

| ${text.endpoint} | ${text.whatItDoes} |
| --- | --- |
${parts.endpoints.map(([route, what]) => `| \`${route}\` | ${what} |`).join('\n')}
| \`GET /healthz\` | ${text.healthz} |

## ${text.access}

${auth}${parts.access && definition.auth !== 'none' ? ` ${parts.access}` : ''}
${(parts.sections ?? []).map((section) => `\n${section}\n`).join('')}
## ${text.workOnIt}

${[...text.work, ...(parts.notes ?? [])].map((note) => `- ${note}`).join('\n')}

${text.files} ${files.map((file) => `\`${file}\``).join(', ')}.
`;
}
