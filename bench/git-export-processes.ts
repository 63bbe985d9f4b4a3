/**
 * Git export of one version from a server-sized process: one `git fast-import` stream (what git-export-service
 * does) against the baseline, the process chain it replaced (tag --list, add, write-tree, rev-parse,
 * commit-tree, update-ref), alternated in the same run. Both then make the annotated tag the same way (unsigned
 * here: signing is the same `ssh-keygen` call on either side). Prints wall time, CPU of the git processes and how
 * long this process's event loop stood still (sum of a 5 ms timer's delays): `spawn` forks the whole process,
 * and the server holds ≈ 400 MB (PGlite), so this process holds `--resident-mb` (350) as well. Decision 0055.
 *   node --import tsx bench/git-export-processes.ts [--runs 10] [--resident-mb 350]
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fastImportStream, readTree } from '../apps/server/src/modules/git-export/fast-import-stream.js';
import { runGit } from '../apps/server/src/modules/git-export/run-git.js';
import { alternateRuns, wholeNumberOption } from './alternate-runs.js';

const option = (name: string, fallback: number, max: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? wholeNumberOption(name, process.argv[at + 1], max) : fallback;
};
const runs = option('runs', 10, 100);
const resident = Buffer.alloc(option('resident-mb', 350, 4000) * 1024 * 1024, 1);

const root = await mkdtemp(join(tmpdir(), 'bench-git-export-'));
const tree = join(root, 'tree');
// About the size of a generated app's bundle: twenty small files, two directories.
for (let index = 0; index < 20; index += 1) {
  const path = join(tree, index % 3 ? `lib/file-${index}.mjs` : `file-${index}.mjs`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `export const value${index} = '${'x'.repeat(2000)}';\n`);
}
const identity = { name: 'Marketplace', email: 'git-export@bench.test' };
const identityEnv = { GIT_AUTHOR_NAME: identity.name, GIT_AUTHOR_EMAIL: identity.email, GIT_COMMITTER_NAME: identity.name, GIT_COMMITTER_EMAIL: identity.email };
let version = 0;

const repository = async (name: string) => {
  const path = join(root, `${name}.git`);
  await runGit(['init', '--quiet', '--bare', '--initial-branch=main', path]);
  return (args: string[], options: { env?: Record<string, string>; input?: string | Buffer } = {}) => runGit(['--git-dir', path, ...args], options);
};
const chainGit = await repository('chain');
const importGit = await repository('fast-import');

async function processChain() {
  version += 1;
  const date = `${1_700_000_000 + version} +0000`;
  const env = { ...identityEnv, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_WORK_TREE: tree, GIT_INDEX_FILE: join(root, `index-${version}`) };
  await chainGit(['tag', '--list', 'v*']);
  await chainGit(['add', '--all', '--force', '.'], { env });
  const treeId = (await chainGit(['write-tree'], { env })).trim();
  const parent = (await chainGit(['rev-parse', '--quiet', '--verify', 'refs/heads/main']).catch(() => '')).trim();
  const commit = (await chainGit(['commit-tree', treeId, ...(parent ? ['-p', parent] : []), '-F', '-'], { env, input: `App ${version}\n` })).trim();
  await chainGit(['update-ref', 'refs/heads/main', commit, ...(parent ? [parent] : [])]);
  await chainGit(['tag', '--annotate', '--file', '-', `v${version}`, commit], { env, input: `App ${version}\n` });
}

async function fastImport() {
  version += 1;
  const date = 1_700_000_000 + version;
  const refs = new Map((await importGit(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/main', 'refs/tags/v*'])).split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
  const stream = fastImportStream('refs/heads/main', refs.get('refs/heads/main') ?? null, identity, [{ files: await readTree(tree), message: `App ${version}\n`, date }]);
  const [commit] = (await importGit(['fast-import', '--quiet'], { input: stream })).split('\n');
  await importGit(['tag', '--annotate', '--file', '-', `v${version}`, commit!], { env: { ...identityEnv, GIT_COMMITTER_DATE: `${date} +0000` }, input: `App ${version}\n` });
}

/** CPU (ms) of this process's waited-for children so far (/proc/self/stat cutime + cstime, 10 ms ticks). */
const childCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
};
const figures = { chain: { cpu: [] as number[], stalled: [] as number[] }, fastImport: { cpu: [] as number[], stalled: [] as number[] } };
const measured = (work: () => Promise<void>, into: { cpu: number[]; stalled: number[] }) => async () => {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const ticker = setInterval(() => {}, 5);
  delay.enable();
  const cpuBefore = childCpu();
  await work();
  delay.disable();
  clearInterval(ticker);
  into.cpu.push(childCpu() - cpuBefore);
  into.stalled.push((delay.mean * delay.count) / 1e6);
};

try {
  const [chain, imported] = await alternateRuns([measured(processChain, figures.chain), measured(fastImport, figures.fastImport)], runs);
  // The first figure of each list is its warm-up.
  const p50 = (list: number[]) => list.slice(1).sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)]!;
  const line = (name: string, wall: number, of: { cpu: number[]; stalled: number[] }) =>
    `  ${name} ${wall.toFixed(0)} ms wall, ${p50(of.cpu)} ms git CPU, event loop stalled ${p50(of.stalled).toFixed(0)} ms`;
  console.log(`Git export of one version, p50 of ${runs} after a warm-up, from a process holding ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (${resident.length > 0 ? 'resident' : ''}):`);
  console.log(line('one git fast-import:      ', imported!, figures.fastImport));
  console.log(`${line('baseline, process chain:  ', chain!, figures.chain)}   (${(chain! / imported!).toFixed(1)}× the wall time)`);
} finally {
  await rm(root, { recursive: true, force: true });
}
