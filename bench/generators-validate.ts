/**
 * Generation and validation time per app kind (p50 over a few runs), against the time to
 * spawn `node -e ""` measured in the same run. Run: node --import tsx bench/generators-validate.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApp, listTemplates, validateApp, writeApp } from '@marketplace/generators';

const GENERATE_RUNS = 20;
const VALIDATE_RUNS = Number(process.env.BENCH_VALIDATE_RUNS ?? 3);
const BASELINE_RUNS = 10;

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function time<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

const baseline = p50(Array.from({ length: BASELINE_RUNS }, () => time(() => spawnSync(process.execPath, ['-e', '']))[1]));
console.log(`baseline: spawn of node -e "" p50 ${baseline.toFixed(1)} ms (${BASELINE_RUNS} runs)`);
console.log(`validation runs per kind: ${VALIDATE_RUNS}; sandbox in parentheses\n`);
console.log('kind            generate p50   validate p50   ×node spawn   build / test / start / health / exercise / stop (p50 ms)');

for (const template of listTemplates()) {
  const generateTimes = Array.from({ length: GENERATE_RUNS }, () => time(() => generateApp(template.exampleSpec, { version: '1.0.0' }))[1]);
  const validateTimes: number[] = [];
  const stepTimes = new Map<string, number[]>();
  let sandbox = '';
  for (let run = 0; run < VALIDATE_RUNS; run += 1) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-app-'));
    try {
      const app = generateApp(template.exampleSpec, { version: '1.0.0' });
      await writeApp(dir, app.files);
      const report = await validateApp({ dir, spec: template.exampleSpec, manifest: app.manifest });
      if (!report.ok) throw new Error(`${template.kind} failed validation: ${JSON.stringify(report.steps)}`);
      sandbox = report.sandbox;
      validateTimes.push(report.totalMs);
      for (const step of report.steps) stepTimes.set(step.name, [...(stepTimes.get(step.name) ?? []), step.durationMs]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const validate = p50(validateTimes);
  const steps = [...stepTimes.values()].map((values) => String(Math.round(p50(values)))).join(' / ');
  console.log(
    `${template.kind.padEnd(15)} ${`${p50(generateTimes).toFixed(2)} ms`.padStart(12)}   ${`${validate} ms`.padStart(12)}   ${`${(validate / baseline).toFixed(1)}×`.padStart(11)}   ${steps} (${sandbox})`,
  );
}
