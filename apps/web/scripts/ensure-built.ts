import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Run before `npm start`: build the web UI when apps/web/dist is missing, so a fresh
 * `npm ci && npm start` serves it. An existing build is left as it is (rebuild with `npm run build`).
 */
const webDir = fileURLToPath(new URL('..', import.meta.url));
if (existsSync(new URL('../dist/index.html', import.meta.url))) process.exit(0);
console.log('Building the web UI (apps/web/dist is missing)…');
const result = spawnSync('npm', ['run', 'build'], { cwd: webDir, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('The web UI did not build; the server starts anyway and answers / with how to build it.');
}
process.exit(0);
