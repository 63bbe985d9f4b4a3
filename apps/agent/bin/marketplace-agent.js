#!/usr/bin/env node
// The `marketplace-agent` command: runs the TypeScript sources through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
