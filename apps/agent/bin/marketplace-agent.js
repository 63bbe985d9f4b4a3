#!/usr/bin/env node
// The `marketplace-agent` command: runs the TypeScript sources through tsx (no build step needed).
// The agent mostly waits for mail: a small young generation keeps its idle memory down.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

setFlagsFromString('--max-semi-space-size=1');
setFlagsFromString('--optimize-for-size');
register();
await import('../src/main.ts');
