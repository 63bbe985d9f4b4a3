import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { GeneratorError } from './errors.js';
import { BUNDLED_LIBRARIES } from './shared/project-files.js';

export interface BuildResult {
  outputFile: string;
  bytes: number;
  durationMs: number;
  warnings: string[];
}

/** node_modules directories of this package and its parents, where the bundled libraries are installed. */
function nodeModulePaths(): string[] {
  const paths: string[] = [];
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'node_modules');
    if (existsSync(candidate)) paths.push(candidate);
    const parent = dirname(directory);
    if (parent === directory) return paths;
    directory = parent;
  }
}

const BUILTINS = new Set(builtinModules);

/** Lets an app import only Node built-ins, its own files and the libraries this package bundles. */
const allowedImports: Plugin = {
  name: 'allowed-imports',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path.startsWith('node:') || BUILTINS.has(args.path.split('/')[0]!)) return { path: args.path, external: true };
      const packageName = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]!;
      const fromApp = !args.importer.includes(`${'/'}node_modules${'/'}`);
      if (fromApp && !Object.hasOwn(BUNDLED_LIBRARIES, packageName)) {
        return { errors: [{ text: `"${args.path}" is not available to generated apps; use a Node built-in or one of: ${Object.keys(BUNDLED_LIBRARIES).join(', ')}` }] };
      }
      return undefined;
    });
  },
};

/**
 * Bundles `<dir>/src/server.mjs` and everything it imports into `<dir>/dist/server.mjs`
 * (esbuild: platform node, ESM, target node20), so the app runs with no npm install.
 */
export async function buildApp(dir: string): Promise<BuildResult> {
  const root = resolve(dir);
  const entry = join(root, 'src', 'server.mjs');
  if (!existsSync(entry)) throw new GeneratorError('INVALID_APP_DIR', `${entry} does not exist; pass the directory of a generated app.`);
  const outputFile = join(root, 'dist', 'server.mjs');
  const started = performance.now();
  try {
    // esbuild loads on first use: a process that never builds an app never pays its start-up.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry],
      outfile: outputFile,
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // CommonJS libraries (nodemailer) call require() for built-ins: give the ESM bundle one.
      banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
      nodePaths: nodeModulePaths(),
      plugins: [allowedImports],
      legalComments: 'eof',
      logLevel: 'silent',
      write: true,
    });
    const { size } = await stat(outputFile);
    return { outputFile, bytes: size, durationMs: performance.now() - started, warnings: result.warnings.map((warning) => warning.text) };
  } catch (error) {
    const messages = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const detail = messages?.length
      ? messages.map((message) => `${message.location ? `${message.location.file}:${message.location.line}: ` : ''}${message.text}`).join('; ')
      : (error as Error).message;
    throw new GeneratorError('BUILD_FAILED', `The app in ${root} does not build: ${detail}`, { cause: error });
  }
}
