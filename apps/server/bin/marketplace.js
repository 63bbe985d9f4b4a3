#!/usr/bin/env node
// The `marketplace` command. Runs the built JavaScript (dist/js, from `npm run build`); the TypeScript sources
// through tsx only in development and tests: under Vitest, with MARKETPLACE_FROM_SOURCE=1 (`npm run dev`),
// or when nothing is built yet outside production.
import { existsSync } from 'node:fs';
import module from 'node:module';
import process from 'node:process';
import { URL } from 'node:url';

const built = new URL('../dist/js/main.js', import.meta.url);
const fromSource = process.env.MARKETPLACE_FROM_SOURCE === '1' || process.env.VITEST !== undefined;

if (!fromSource && existsSync(built)) {
  // Node ≥ 22.1 keeps V8's compiled code of the bundle on disk (in NODE_COMPILE_CACHE, else the OS temp directory),
  // so every start after the first skips most parsing and compiling; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  // Node 20 has no such cache: nothing happens there.
  module.enableCompileCache?.();
  await import(built.href);
} else if (!fromSource && process.env.NODE_ENV === 'production') {
  process.stderr.write('marketplace: the server is not built (apps/server/dist/js is missing). Run `npm run build` first, or set MARKETPLACE_FROM_SOURCE=1 to run the TypeScript sources.\n');
  process.exit(2);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
