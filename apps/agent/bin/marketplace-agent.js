#!/usr/bin/env node
// The `marketplace-agent` command. Runs the built single-file agent (dist/marketplace-agent.mjs, from
// `npm run build`); the TypeScript sources through tsx only in development and tests: under Vitest, with
// MARKETPLACE_FROM_SOURCE=1, or when nothing is built yet outside production.
// The agent mostly waits for mail: a small young generation keeps its idle memory down.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--max-semi-space-size=1');
setFlagsFromString('--optimize-for-size');
const built = new URL('../dist/marketplace-agent.mjs', import.meta.url);
const fromSource = process.env.MARKETPLACE_FROM_SOURCE === '1' || process.env.VITEST !== undefined;

if (!fromSource && existsSync(built)) {
  await import(built.href);
} else if (!fromSource && process.env.NODE_ENV === 'production') {
  process.stderr.write('marketplace-agent: the agent is not built (apps/agent/dist/marketplace-agent.mjs is missing). Run `npm run build` first, or set MARKETPLACE_FROM_SOURCE=1 to run the TypeScript sources.\n');
  process.exit(2);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
