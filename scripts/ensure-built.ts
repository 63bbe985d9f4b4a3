/**
 * Runs before `npm start`: builds what a fresh clone (or a pull) has not built yet, so `npm ci && npm start`
 * runs the built JavaScript. The server and agent are rebuilt when a source is newer than their build (a few
 * seconds) or an install changed node_modules; the web UI when apps/web/dist is missing or older than its
 * sources (a pull that changed a page).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_OUT, SERVER_OUT, buildAgent, buildServer } from './build.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time among the sources (TypeScript, TSX, CSS) under these directories. */
function newestSource(directories: string[]): number {
  let newest = 0;
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|css)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const directory of directories) if (existsSync(directory)) walk(directory);
  return newest;
}

const builtAt = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const packageSources = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name, 'src'));

// Both builds hold their libraries (the agent's always did, the server's since decision 0062): an `npm ci` /
// `npm install` that changed one (node_modules/.package-lock.json is rewritten then) rebuilds them too.
const installedAt = Math.max(builtAt(join(root, 'package-lock.json')), builtAt(join(root, 'node_modules/.package-lock.json')));
if (builtAt(join(SERVER_OUT, 'main.js')) < Math.max(newestSource([join(root, 'apps/server/src'), ...packageSources]), installedAt)) {
  console.log('Building the server (apps/server/dist/js is missing or older than its sources or installed libraries)…');
  await buildServer();
}
if (builtAt(AGENT_OUT) < Math.max(newestSource([join(root, 'apps/agent/src'), join(root, 'packages/release/src'), join(root, 'packages/mail/src')]), installedAt)) {
  console.log('Building the deploy agent (apps/agent/dist is missing or older than its sources)…');
  await buildAgent();
}
if (builtAt(join(root, 'apps/web/dist/index.html')) < newestSource([join(root, 'apps/web/src')])) {
  console.log('Building the web UI (apps/web/dist is missing or older than its sources)…');
  const result = spawnSync('npm', ['run', 'build', '-w', '@marketplace/web'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) console.error('The web UI did not build; the server starts anyway and answers / with how to build it.');
}
