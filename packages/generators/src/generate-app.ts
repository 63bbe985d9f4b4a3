import { type AppManifest, appManifestSchema } from '@marketplace/release';
import { APP_KINDS, type AppSpec, parseAppSpec } from '@marketplace/spec';
import { checkSchedule } from './check-schedule.js';
import { GeneratorError } from './errors.js';
import { GENERATORS } from './kinds/registry.js';
import { LOCALES, catalogFor, languageOf } from './i18n/catalog.js';
import { type AppDefinition, authSettings, baseSettings, networkHosts } from './shared/app-model.js';
import { DOCKERIGNORE, GITIGNORE, dockerfile, manifestInput, packageJson, readme } from './shared/project-files.js';
import { readTemplate, withDependencies } from './shared/read-template.js';

export interface GeneratedApp {
  /** Relative path → file content. Includes app.json. */
  files: Map<string, string>;
  manifest: AppManifest;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

function dataModule(header: string, exportName: string, value: unknown): string {
  // Everything that comes from the spec reaches code only through JSON.stringify.
  return `// ${header}\nexport const ${exportName} = ${JSON.stringify(value, null, 2)};\n`;
}

/**
 * Generates a runnable app from an AppSpec: plain Node.js sources, the app's own tests, a
 * Dockerfile, a README and app.json. Refuses a spec that fails the AppSpec schema (with the
 * issues), an unknown kind, or a schedule the app could not run.
 */
export function generateApp(input: unknown, options: { version: string }): GeneratedApp {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string' && !(APP_KINDS as readonly string[]).includes(kind)) {
    throw new GeneratorError('UNKNOWN_KIND', `There is no generator for kind ${JSON.stringify(kind)}; use one of: ${APP_KINDS.join(', ')}.`);
  }
  const parsed = parseAppSpec(input);
  if (!parsed.ok) {
    const list = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new GeneratorError('INVALID_SPEC', `The AppSpec is not valid: ${list}. Fix these fields and generate again.`, { issues: parsed.issues });
  }
  if (!SEMVER.test(options.version)) {
    throw new GeneratorError('INVALID_VERSION', `version ${JSON.stringify(options.version)} is not a semantic version; use one such as 1.0.0.`);
  }
  const spec: AppSpec = parsed.spec;
  const generator = GENERATORS.get(spec.kind);
  if (!generator) throw new GeneratorError('UNKNOWN_KIND', `There is no generator for kind ${JSON.stringify(spec.kind)}; use one of: ${[...GENERATORS.keys()].join(', ')}.`);
  if (generator.parameters.includes('schedule')) checkSchedule(spec.schedule);

  const build = generator.build(spec);
  const auth = spec.auth ?? 'none';
  const language = languageOf(spec);
  const definition: AppDefinition = {
    name: spec.name,
    title: spec.title,
    summary: spec.summary,
    kind: spec.kind,
    version: options.version,
    auth,
    language,
    entities: build.entities ?? [],
    sources: build.sources ?? [],
    outputs: build.outputs ?? [],
    ...(build.schedule ? { schedule: build.schedule } : {}),
    settings: [...baseSettings(language), ...authSettings(auth, language), ...build.settings],
    ...build.extras,
  };

  const files = new Map<string, string>();
  files.set('src/definition.mjs', dataModule('Generated from the AppSpec: what this app stores, reads, sends and which settings it takes.', 'definition', definition));
  files.set(
    'src/messages.mjs',
    `${dataModule('Every text the app shows, in its language (generated from the marketplace catalog).', 'messages', catalogFor(language).app)}export const language = ${JSON.stringify(language)};\nexport const locale = ${JSON.stringify(LOCALES[language])};\n`,
  );
  files.set('src/server.mjs', readTemplate('shared/templates/server.mjs'));
  const libraries = withDependencies(generator.libraries);
  for (const library of libraries) {
    files.set(`src/lib/${library}.mjs`, readTemplate(`shared/templates/lib/${library}.mjs`));
  }
  for (const template of generator.templates) {
    const target = template.endsWith('.test.mjs') ? `test/${template}` : `src/${template}`;
    files.set(target, readTemplate(`kinds/templates/${spec.kind}/${template}`));
  }
  files.set('test/helpers.mjs', readTemplate('shared/templates/test/helpers.mjs'));
  files.set('test/fixtures.mjs', dataModule('Test data generated from the AppSpec.', 'fixtures', build.fixtures));

  const urlDefaults = definition.settings.filter((setting) => /^(SOURCE_\d+_URL|WEBHOOK_\d+_URL|INPUT)$/.test(setting.name)).map((setting) => setting.default);
  const manifestResult = appManifestSchema.safeParse(
    manifestInput(definition, { network: networkHosts(urlDefaults), mail: definition.outputs.some((output) => output.type === 'email'), readPaths: build.readPaths ?? [], mcpTools: Array.isArray(definition.mcpTools) && definition.mcpTools.length > 0 }),
  );
  if (!manifestResult.success) {
    throw new GeneratorError('UNSUPPORTED_SPEC', `The app manifest would be invalid: ${manifestResult.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}.`);
  }
  const manifest = manifestResult.data;
  files.set('package.json', packageJson(definition, generator.bundled));
  files.set('Dockerfile', dockerfile());
  files.set('.dockerignore', DOCKERIGNORE);
  files.set('.gitignore', GITIGNORE);
  files.set('app.json', `${JSON.stringify(manifest, null, 2)}\n`);
  const listed = [...files.keys(), 'README.md', 'dist/server.mjs'].sort();
  files.set('README.md', readme(definition, build.readme, listed));
  return { files, manifest };
}
