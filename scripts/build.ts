/**
 * `npm run build` (with the web UI): compiles the TypeScript of every app and package to JavaScript with esbuild.
 *   - apps/server/dist/js/   the `marketplace` command: server + every package it uses, one chunk per lazily
 *                            loaded part (code splitting); libraries from node_modules stay imports.
 *   - apps/agent/dist/marketplace-agent.mjs   the deploy agent, one self-contained file for `node` ≥ 20.
 * The bins run these when present (see apps/server/bin/marketplace.js); Vitest and `npm run dev` run the sources.
 *   node --import tsx scripts/build.ts [server] [agent] [--agent-out <file>]
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform, type Plugin } from 'esbuild';
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

/** Libraries stay imports from node_modules (native modules, WASM files, their own assets); our packages are compiled in. */
const librariesExternal: Plugin = {
  name: 'libraries-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'entry-point' || args.path.startsWith('@marketplace/') ? undefined : { path: args.path, external: true }));
  },
};

export async function buildServer(): Promise<void> {
  await rm(SERVER_OUT, { recursive: true, force: true });
  await build({
    entryPoints: { main: `${root}apps/server/src/cli/main.ts` },
    outdir: SERVER_OUT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: { js: requireBanner },
    plugins: [librariesExternal, sourceRelativeMetaUrl(SERVER_OUT)],
  });
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
