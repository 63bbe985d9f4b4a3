/**
 * `npm run bench`: every benchmark under bench/, one after another, each in its own Node.js process
 * (so one's memory and timers never colour the next), with NODE_ENV=production and LOG_LEVEL=warn.
 * Each prints its own figures against the baseline it measures in the same run; at the end one table
 * says which ran, how long each took and which failed (exit code 1 when any did).
 *   npm run bench                      all of them
 *   npm run bench -- spec release      only those whose file name contains one of the words
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Modules the benchmarks share; not benchmarks themselves. */
const SHARED = new Set(['run-all.ts', 'alternate-runs.ts', 'agent-setup.ts', 'load-generator.ts', 'mail-hub-server.ts']);
const filters = process.argv.slice(2).filter((word) => !word.startsWith('-'));
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.ts') && !SHARED.has(name))
  .filter((name) => filters.length === 0 || filters.some((word) => name.includes(word)))
  .sort();

if (benches.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}; the files are: ${readdirSync(here).filter((n) => n.endsWith('.ts') && !SHARED.has(n)).join(', ')}`);
  process.exit(2);
}

function run(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, file)], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(1));
  });
}

const results: { bench: string; seconds: string; result: string }[] = [];
for (const file of benches) {
  console.log(`\n━━ ${file} ━━`);
  const started = performance.now();
  const code = await run(file);
  results.push({ bench: file.replace(/\.ts$/, ''), seconds: ((performance.now() - started) / 1000).toFixed(1), result: code === 0 ? 'ok' : `failed (exit ${code})` });
}

console.log('\nBenchmarks (figures above, each against its own baseline):');
console.table(results);
process.exit(results.some((r) => r.result !== 'ok') ? 1 : 0);
