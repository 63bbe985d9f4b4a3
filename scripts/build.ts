/**
 * `npm run build` (with the web UI): compiles the TypeScript of every app and package to JavaScript with esbuild.
 *   - apps/server/dist/js/   the `marketplace` command: server, every package it uses and the pure-JS libraries,
 *                            one chunk per lazily loaded part (code splitting); only SERVER_EXTERNAL_LIBRARIES
 *                            stay imports from node_modules.
 *   - apps/agent/dist/marketplace-agent.mjs   the deploy agent, one self-contained file for `node` ≥ 20.
 * The bins run these when present (see apps/server/bin/marketplace.js); Vitest and `npm run dev` run the sources.
 *   node --import tsx scripts/build.ts [server] [agent] [--agent-out <file>]
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform, type Metafile, type Plugin } from 'esbuild';
import { AGENT_EMBEDDED_LIBRARIES, AGENT_EMBEDDED_ON_REQUIRE, embeddedLibraries } from './embedded-libraries.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_OUT = `${root}apps/server/dist/js`;
export const AGENT_OUT = `${root}apps/agent/dist/marketplace-agent.mjs`;

/** Node's CommonJS helpers inside an ESM bundle (libraries that still `require`). */
const requireBanner = "import { createRequire as __mpCreateRequire } from 'node:module'; const require = __mpCreateRequire(import.meta.url);";

/**
 * Our sources find their templates, the web UI and runner files next to themselves (`new URL('…', import.meta.url)`).
 * Bundled, `import.meta.url` would be the chunk's; this keeps it pointing at the source file, relative to the
 * output directory, so the built tree works wherever the repository is copied.
 */
function sourceRelativeMetaUrl(outDir: string): Plugin {
  return {
    name: 'source-relative-import-meta-url',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\/(apps|packages)\/[^/]+\/src\/.*\.ts$/ }, async (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        // A define rewrites only code, never the same words inside a string (generated apps' banners carry them).
        const { code } = await transform(text, { loader: 'ts', sourcefile: args.path, define: { 'import.meta.url': '__mpSourceUrl' } });
        const fromOut = relative(outDir, args.path).split('\\').join('/');
        return { contents: `const __mpSourceUrl = new URL(${JSON.stringify(fromOut)}, import.meta.url).href;\n${code}`, loader: 'js' };
      });
    },
  };
}

/**
 * Libraries the server bundle leaves as imports from node_modules: they find files beside themselves at run time
 * (WASM and extension files, worker scripts, static assets, their own package.json) or are native. Every other
 * library is compiled into the chunks, so a start reads a few files instead of ≈ 1,000 (docs/decisions/0062).
 */
export const SERVER_EXTERNAL_LIBRARIES: readonly string[] = [
  '@electric-sql/pglite', // WASM, data and extension files next to its modules
  '@electric-sql/pglite-pgvector', // its extension bundle, found through import.meta.url
  '@node-rs/argon2', // native module
  'esbuild', // native binary (building generated apps)
  'pino', // transports start worker files from its own directory
  'thread-stream', // pino's worker threads
  '@fastify/swagger', // reads its package.json through __dirname
  '@fastify/swagger-ui', // serves its static assets from its own directory
  'pg-native', // pg's optional native client (not installed)
  'tsx', // the TypeScript loader for generated apps and the source fallback
];

/**
 * Library files that name `__dirname` / `__filename` / `import.meta.url` and may still be bundled: they only read
 * them behind a typeof check or for features the server does not use (commander's executable subcommands).
 */
const BUNDLED_FILE_LOCATION_ALLOWED = [/\/node_modules\/commander\/lib\/command\.js$/, /\/node_modules\/undici\/index\.js$/];
const FILE_LOCATION = /\b(__dirname|__filename|import\.meta\.(url|dirname|filename|resolve))\b/;

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Bundles the libraries except SERVER_EXTERNAL_LIBRARIES, and fails the build when a bundled library file asks
 * where it is on disk: in a chunk it would get the chunk's location, or a ReferenceError in ESM.
 */
function serverLibraries(external: readonly string[], outDir: string): Plugin {
  return {
    name: 'server-libraries',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
        args.kind !== 'entry-point' && (external.includes(packageName(args.path)) || args.path.endsWith('.node')) ? { path: args.path, external: true } : undefined,
      );
      // A CommonJS library loaded with import() stays Node's to load: split into a chunk of its own, esbuild gives the
      // import only `default` (evanw/esbuild#3245), so `const { simpleParser } = await import('mailparser')` found
      // nothing in the build while the sources (and the tests) worked. Node's own loader gives the named exports.
      pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === LOOKING_UP) return undefined;
        const found = await pluginBuild.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: LOOKING_UP });
        if (found.errors.length || found.external || !found.path.includes('/node_modules/') || !isCommonJs(found.path)) return undefined;
        const bare = /^[^./]/.test(args.path);
        return { path: bare ? args.path : `./${relative(outDir, found.path).split('\\').join('/')}`, external: true };
      });
      pluginBuild.onLoad({ filter: /\/node_modules\/.*\.(c|m)?js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const found = FILE_LOCATION.exec(text);
        if (found && !BUNDLED_FILE_LOCATION_ALLOWED.some((allowed) => allowed.test(args.path))) {
          return { errors: [{ text: `${args.path} uses ${found[0]}, which names the bundle's chunk once bundled: add its package to SERVER_EXTERNAL_LIBRARIES in scripts/build.ts, or to BUNDLED_FILE_LOCATION_ALLOWED if it only checks for it.` }] };
        }
        return { contents: text, loader: 'js' };
      });
    },
  };
}

const LOOKING_UP = Symbol('resolving a dynamic import');

/** How Node loads a file: `.cjs` and `.js` outside a `"type": "module"` package are CommonJS. */
function isCommonJs(file: string): boolean {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { type?: string }).type !== 'module';
    } catch {
      // no package.json here: look one level up
    }
  }
  return true;
}

/** `outDir` must lie inside the repository: the chunks import the external libraries from its node_modules. */
export async function buildServer(outDir: string = SERVER_OUT): Promise<Metafile> {
  await rm(outDir, { recursive: true, force: true });
  const { metafile } = await build({
    // The mail hub's worker thread starts from a file of its own, found beside the chunks (packages/mail/src/hub/hub-thread.ts).
    entryPoints: { main: `${root}apps/server/src/cli/main.ts`, 'mail-hub-worker': `${root}packages/mail/src/hub/hub-worker.ts` },
    outdir: outDir,
    // metafile paths are relative to the repository, wherever the build is started from
    absWorkingDir: root.replace(/\/$/, ''),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    // The maps point at the sources in the tree (which the image keeps); without their text they stay small.
    sourcesContent: false,
    logLevel: 'warning',
    banner: { js: requireBanner },
    metafile: true,
    plugins: [serverLibraries(SERVER_EXTERNAL_LIBRARIES, outDir), sourceRelativeMetaUrl(outDir)],
  });
  // A chunk that only re-exports a CommonJS module as `default` is what a split import() of it looks like: its
  // named exports would be undefined at run time (see serverLibraries). Refuse such a build rather than ship it.
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    if (/^export default require_\w+\(\);$/m.test(readFileSync(`${root}${file}`, 'utf8'))) {
      throw new Error(`${file} exports a CommonJS module (${Object.keys(output.inputs).find((input) => input.includes('node_modules/')) ?? 'unknown'}) only as default: load it with a static import, or keep it external.`);
    }
  }
  return metafile;
}

/** ssh2 (under dockerode) loads optional native speed-ups in a try/catch; the bundle goes without them. */
const AGENT_EXTERNAL = ['cpu-features', '*.node'];

export async function buildAgent(outfile: string = AGENT_OUT): Promise<void> {
  await build({
    entryPoints: [`${root}apps/agent/src/main.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Smaller source, less for V8 to keep and pre-parse in an agent that mostly waits.
    minify: true,
    keepNames: true,
    logLevel: 'warning',
    legalComments: 'eof',
    // (V8 heap flags set from inside the file came too late to change anything: measured, so none are set.)
    banner: { js: `#!/usr/bin/env node\n${requireBanner}` },
    external: AGENT_EXTERNAL,
    define: { 'process.env.MARKETPLACE_AGENT_BUNDLE': '"1"' },
    plugins: [embeddedLibraries(root, AGENT_EMBEDDED_LIBRARIES, AGENT_EMBEDDED_ON_REQUIRE, AGENT_EXTERNAL), sourceRelativeMetaUrl(dirname(outfile))],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const agentOut = args.includes('--agent-out') ? args[args.indexOf('--agent-out') + 1] : undefined;
  const only = args.filter((word, index) => !word.startsWith('--') && args[index - 1] !== '--agent-out');
  const started = performance.now();
  if (only.length === 0 || only.includes('server')) await buildServer();
  if (only.length === 0 || only.includes('agent')) await buildAgent(agentOut);
  console.log(`Built ${only.length ? only.join(' and ') : 'server and agent'} JavaScript in ${Math.round(performance.now() - started)} ms.`);
}
