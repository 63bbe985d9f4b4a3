/**
 * The agent's data snapshot before an upgrade plus the restore on rollback, against `cp -a` of the
 * same app data directory (~100 MB of random files by default), alternating, measured in one run.
 * Run: node --import tsx bench/agent-data-snapshot.ts [--mb 100] [--runs 5]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { homeLayout } from '../apps/agent/src/agent-home.js';
import { appDataDir, restoreSnapshot, snapshotData } from '../apps/agent/src/app-data.js';
import { alternateRuns, wholeNumberOption } from './alternate-runs.js';

const FILE_BYTES = 512 * 1024;
const APP = 'bench-app';
const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' }, runs: { type: 'string', default: '5' } } });
const megabytes = wholeNumberOption('mb', values.mb, 10_000);
const runs = wholeNumberOption('runs', values.runs, 1000);
const files = Math.max(1, Math.round((megabytes * 1024 * 1024) / FILE_BYTES));

const root = await mkdtemp(join(tmpdir(), 'bench-data-snapshot-'));
try {
  const layout = homeLayout(join(root, 'home'));
  const data = appDataDir(layout, APP);
  for (let index = 0; index < files; index += 1) {
    const dir = join(data, `part-${index % 10}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `records-${index}.bin`), randomBytes(FILE_BYTES));
  }
  const copy = join(root, 'cp-a-copy');

  // snapshot as an upgrade leaves 1.0.0, then restore it as a rollback to 1.0.0 does
  const agent = () => snapshotData(layout, APP, '1.0.0').then(() => restoreSnapshot(layout, APP, '1.0.0', '1.1.0'));
  const cpA = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('cp', ['-a', data, copy], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cp -a exited with ${code}`))));
    });
  // what each run leaves (the data moved aside by the restore, the cp -a copy) goes between runs
  const cleanUp = () => Promise.all([rm(layout.dataAside, { recursive: true, force: true }), rm(copy, { recursive: true, force: true })]);

  const [ours, tool] = (await alternateRuns([agent, cpA], runs, cleanUp)) as [number, number];
  console.log(`app data: ${files} files of ${FILE_BYTES / 1024} KiB (${((files * FILE_BYTES) / 1024 / 1024).toFixed(0)} MB); p50 of ${runs} alternating runs`);
  console.log(`agent snapshot + restore ${ours.toFixed(1).padStart(8)} ms   cp -a ${tool.toFixed(1).padStart(8)} ms   ratio ${(ours / tool).toFixed(2)}×`);
} finally {
  await rm(root, { recursive: true, force: true });
}
