import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAppManifest } from '@marketplace/release';
import { defaultHome } from '../src/agent-home.js';
import { freePort, waitHealthy } from '../src/health-check.js';
import { alive, createProcessRuntime } from '../src/runtimes/process-runtime.js';
import { rotateIfLarge } from '../src/runtimes/rotating-log.js';
import { tinyAppFiles } from './release-fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'agent-runtime-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function unpack(name: string, version: string, extra: Record<string, string> = {}) {
  const dir = join(work, name, version);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of [...tinyAppFiles(name, version), ...Object.entries(extra)]) writeFileSync(join(dir, file), content);
  const parsed = parseAppManifest(JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')));
  if (!parsed.ok) throw new Error('bad manifest');
  return { manifest: parsed.manifest, dir, dataDir: join(work, 'data', name), logFile: join(work, 'logs', `${name}.log`) };
}

describe('process runtime', () => {
  it('starts the app with only the restricted environment and logs to its file', async () => {
    process.env.MARKETPLACE_TEST_SECRET = 'must-not-leak';
    const app = await createProcessRuntime().start({ ...unpack('env-app', '1.0.0'), port: await freePort() });
    try {
      expect((await waitHealthy(app.port, '/healthz', 5000)).ok).toBe(true);
      const body = (await (await fetch(`http://127.0.0.1:${app.port}/`)).json()) as { env: string[] };
      expect(body.env).not.toContain('MARKETPLACE_TEST_SECRET');
      expect(body.env).toContain('APP_DATA_DIR');
      expect(readFileSync(join(work, 'logs', 'env-app.log'), 'utf8')).toContain(`listening on ${app.port}`);
    } finally {
      delete process.env.MARKETPLACE_TEST_SECRET;
      await app.stop();
    }
    expect(alive(app.pid ?? -1)).toBe(false);
  });

  it('restarts a crashed app with backoff, and gives up after repeated crashes', async () => {
    const crashing = unpack('crash-loop', '1.0.0', { 'server.js': "console.log('starting'); process.exit(3);\n" });
    const app = await createProcessRuntime({ restartBaseMs: 50 }).start({ ...crashing, port: await freePort() });
    const reason = await new Promise<string>((resolve) => app.onGaveUp(resolve));
    expect(reason).toMatch(/exited 6 times \(last: code 3\)/);
    expect(readFileSync(crashing.logFile, 'utf8').match(/^starting$/gm)).toHaveLength(6);
    await app.stop();
  }, 60_000);

  it('rolls a log over once it passes its size limit', () => {
    const file = join(work, 'logs', 'big.log');
    writeFileSync(file, 'x'.repeat(2048));
    expect(rotateIfLarge(file, 1024)).toBe(true);
    expect(statSync(file).size).toBe(0);
    expect(statSync(`${file}.1`).size).toBe(2048);
  });

  it('keeps its home where each OS expects per-user configuration', () => {
    expect(defaultHome({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe('/x/config/marketplace-agent');
    expect(defaultHome({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.marketplace-agent$/);
    expect(defaultHome({ MARKETPLACE_AGENT_HOME: '/srv/agent' }, 'linux')).toBe('/srv/agent');
  });
});
