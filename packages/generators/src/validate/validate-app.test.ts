import { readFileSync, readdirSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listTemplates } from '../list-templates.js';
import { describeReport, generateIntoTempDir } from '../testing/generated-app-dir.js';
import { validateApp } from './validate-app.js';

const spec = listTemplates().find((template) => template.kind === 'api-service')!.exampleSpec;
let app: Awaited<ReturnType<typeof generateIntoTempDir>>;

afterEach(() => app?.remove());

/** Pids of this process's sandbox runners (node running a runner.mjs from its private runner directory). */
function waitingRunners(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (argv[0] === process.execPath && /marketplace-validate-runner-[^/]+\/runner\.mjs$/.test(argv[1] ?? '') && state !== 'Z' && isOurs(Number(entry))) found.push(Number(entry));
    } catch {}
  }
  return found;
}

/** Whether `pid` descends from this process (another test file may validate at the same time). */
function isOurs(pid: number): boolean {
  for (let current = pid; current > 1; ) {
    const parent = Number(readFileSync(`/proc/${current}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    if (parent === process.pid) return true;
    current = parent;
  }
  return false;
}

async function edit(path: string, change: (source: string) => string): Promise<void> {
  const file = join(app.dir, path);
  await writeFile(file, change(await readFile(file, 'utf8')));
}

/** Loaded first by the app: records what the app can see of its environment and network. */
const PROBE = `import net from 'node:net';
import os from 'node:os';
import { writeFileSync } from 'node:fs';
const guarded = net.Socket.prototype.connect.name === 'guardedConnect';
const interfaces = Object.keys(os.networkInterfaces());
const report = { envKeys: Object.keys(process.env).sort(), interfaces, guarded, execArgv: process.execArgv };
writeFileSync('probe.json', JSON.stringify(report));
// Only where nothing can leave: inside a namespace with loopback alone, or behind the guard.
if (guarded || (interfaces.length === 1 && interfaces[0] === 'lo')) {
  net.connect(80, '192.0.2.1').on('error', (error) => writeFileSync('probe.json', JSON.stringify({ ...report, connectError: error.code })));
}
`;

async function probe(sandbox: 'netns' | 'preload') {
  app = await generateIntoTempDir(spec);
  await writeFile(join(app.dir, 'src', 'probe.mjs'), PROBE);
  await edit('src/server.mjs', (source) => `import './probe.mjs';\n${source}`);
  process.env.VALIDATION_TEST_SECRET = 'must-not-leak';
  try {
    const report = await validateApp({ dir: app.dir, spec, manifest: app.manifest, sandbox, keepSandbox: true });
    expect(report.ok, describeReport(report)).toBe(true);
    expect(report.sandbox).toBe(sandbox);
    // The trial run says what it did as a notice too, for the catalog to word in the reader's language.
    const exercise = report.steps.find((step) => step.name === 'exercise');
    expect(exercise?.notice).toEqual({ code: 'validation.exercisedApi', params: { collection: expect.any(String), id: expect.any(String), total: 1 } });
    // The API's OpenAPI document, as the running app served it, is kept for the catalog.
    expect(report.openapi?.openapi).toBe('3.1.0');
    expect(Object.keys(report.openapi?.paths as object)).toEqual(expect.arrayContaining([expect.stringMatching(/^\/api\/tickets?$/)]));
    const [run] = await readdir(join(app.dir, '.validate'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    return JSON.parse(await readFile(join(app.dir, '.validate', run!, 'app', 'probe.json'), 'utf8'));
  } finally {
    delete process.env.VALIDATION_TEST_SECRET;
  }
}

describe('validateApp sandbox', () => {
  it('runs the app in a network namespace with loopback only and just its declared environment', async () => {
    const seen = await probe('netns');
    expect(seen.interfaces).toEqual(['lo']);
    expect(seen.connectError).toBe('ENETUNREACH');
    expect(seen.envKeys).toEqual(['API_KEY', 'APP_DATA_DIR', 'HOST', 'NODE_ENV', 'PORT', 'TZ']);
    expect(seen.execArgv).toContain('--max-old-space-size=256');
  });

  it('falls back to the preload guard, which refuses outbound connections', async () => {
    const seen = await probe('preload');
    expect(seen.guarded).toBe(true);
    expect(seen.connectError).toBe('ESANDBOXNET');
    expect(seen.envKeys).toEqual(['API_KEY', 'APP_DATA_DIR', 'HOST', 'NODE_ENV', 'PORT', 'TZ']);
  });
});

describe('validateApp reports failures with the step and the output', () => {
  it('stops at failing tests of the app', async () => {
    app = await generateIntoTempDir(spec);
    await edit('test/api.test.mjs', (source) => `${source}\nit('is deliberately broken', () => assert.fail('deliberately broken'));\n`);
    const report = await validateApp({ dir: app.dir, spec, manifest: app.manifest });
    expect(report.ok).toBe(false);
    expect(report.steps.map((step) => [step.name, step.ok])).toEqual([
      ['build', true],
      ['test', false],
    ]);
    expect(report.steps[1]!.output).toContain('deliberately broken');
    expect(report.steps[1]!.detail).toMatch(/1 failed/);
  });

  it('with warmNext, the next validation runs in the runner started for it, and its failing tests still fail it', async () => {
    app = await generateIntoTempDir(spec);
    const first = await validateApp({ dir: app.dir, spec, manifest: app.manifest, warmNext: true });
    expect(first.ok, describeReport(first)).toBe(true);
    // Started as this validation ended: a runner waiting for the next plan.
    const deadline = Date.now() + 15_000;
    while (waitingRunners().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = waitingRunners();
    expect(waiting).toHaveLength(1);
    await edit('test/api.test.mjs', (source) => `${source}\nit('is deliberately broken', () => assert.fail('deliberately broken'));\n`);
    const second = await validateApp({ dir: app.dir, spec, manifest: app.manifest });
    expect(second.steps.map((step) => [step.name, step.ok])).toEqual([
      ['build', true],
      ['test', false],
    ]);
    expect(second.steps[1]!.output).toContain('deliberately broken');
    // It served that validation and is gone; no other was started (warmNext was not asked for).
    expect(waitingRunners().filter((pid) => waiting.includes(pid))).toEqual([]);
    expect(waitingRunners()).toEqual([]);
  }, 60_000);

  it('reports an app that crashes at start', async () => {
    app = await generateIntoTempDir(spec);
    await edit('src/server.mjs', (source) => source.replace('async function main() {', "async function main() {\n  if (process.env.NODE_ENV === 'production') throw new Error('boom at start');"));
    const report = await validateApp({ dir: app.dir, spec, manifest: app.manifest });
    const start = report.steps.find((step) => step.name === 'start');
    expect(report.ok).toBe(false);
    expect(start?.ok).toBe(false);
    expect(start?.output).toContain('boom at start');
  });

  it('kills an app that ignores SIGTERM and says so', async () => {
    app = await generateIntoTempDir(spec);
    await edit('src/server.mjs', (source) =>
      source.replace("process.on('SIGTERM', () => shutdown('SIGTERM'));", "process.on('SIGTERM', () => {\n    if (process.env.NODE_ENV !== 'production') shutdown('SIGTERM');\n  });"),
    );
    const report = await validateApp({ dir: app.dir, spec, manifest: app.manifest, limits: { stopGraceMs: 500 } });
    const stop = report.steps.find((step) => step.name === 'stop');
    expect(report.ok).toBe(false);
    expect(stop).toMatchObject({ ok: false, detail: 'the app did not stop within 500 ms of SIGTERM and was killed' });
    expect(report.steps.find((step) => step.name === 'exercise')?.ok).toBe(true);
  });

  it('reports a build error and leaves nothing behind', async () => {
    app = await generateIntoTempDir(spec);
    await edit('src/app.mjs', (source) => `${source}\nexport const broken = ;\n`);
    const report = await validateApp({ dir: app.dir, spec, manifest: app.manifest });
    expect(report.steps).toMatchObject([{ name: 'build', ok: false }]);
    expect(report.steps[0]!.detail).toContain('app.mjs');
    expect(await readdir(app.dir)).not.toContain('.validate');
  });
});
