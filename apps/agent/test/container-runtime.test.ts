import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from '@marketplace/release';
import { homeLayout } from '../src/agent-home.js';
import { startAppCallListener } from '../src/app-call-listener.js';
import { appToken } from '../src/app-calls.js';
import type { McpCallRequest } from '../src/server-client.js';
import { Deployer } from '../src/deployer.js';
import { freePort, probeHealth, waitHealthy } from '../src/health-check.js';
import { containerName, createContainerRuntime } from '../src/runtimes/container-runtime.js';
import type { Runtime } from '../src/runtimes/runtime.js';
import { hasPodman, PODMAN_HINT, startPodman, type TestPodman } from './podman.js';
import { tinyAppFiles } from './release-fixtures.js';

/** The container runtime against a real Podman (Docker Engine API) with a locally built base image. */
const available = hasPodman() && process.getuid?.() === 0;
if (!available && process.env.CI === 'true') throw new Error(`podman is required in CI: ${PODMAN_HINT}`);
if (!available) console.warn(`container-runtime: skipped, podman is not usable here (${PODMAN_HINT}; tests run as root)`);

let podman: TestPodman;
let runtime: Runtime;
const work = mkdtempSync(join(tmpdir(), 'agent-container-'));

beforeAll(async () => {
  if (!available) return;
  podman = await startPodman(work);
  runtime = createContainerRuntime({ socketPath: podman.socketPath, image: podman.image, stopTimeoutSeconds: 1 });
}, 120_000);

afterAll(async () => {
  await podman?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function bundleOf(name: string, version: string, options: Parameters<typeof tinyAppFiles>[2] = {}) {
  const bundle = await createBundle({ files: tinyAppFiles(name, version, options) });
  const path = join(work, `${name}-${version}.tgz`);
  (await import('node:fs')).writeFileSync(path, bundle.data);
  return { path, sha256: bundle.sha256 };
}

describe.runIf(available)('container runtime (Podman, Docker Engine API)', () => {
  it('is available and runs an app with only its own environment, limits and logs', async () => {
    expect(await runtime.available()).toEqual({ ok: true });
    const dir = join(work, 'apps', 'boxed', '1.0.0');
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of tinyAppFiles('boxed', '1.0.0')) (await import('node:fs')).writeFileSync(join(dir, file), content);
    const manifest = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8'));
    const spec = { manifest: { ...manifest, env: [] }, dir, dataDir: join(work, 'data', 'boxed'), port: await freePort(), logFile: join(work, 'logs', 'boxed.log') };
    const app = await runtime.start(spec);
    try {
      expect((await waitHealthy(spec.port, '/healthz', 15_000)).ok).toBe(true);
      const body = (await (await fetch(`http://127.0.0.1:${spec.port}/`)).json()) as { env: string[] };
      // ours, plus what the engine itself sets in every container
      const engine = new Set(['container', 'HOSTNAME', 'TERM']);
      expect(body.env.filter((name) => !engine.has(name))).toEqual(['APP_DATA_DIR', 'APP_NAME', 'APP_VERSION', 'HOME', 'HOST', 'NODE_ENV', 'PATH', 'PORT', 'TMPDIR']);
      const inspect = JSON.parse(podman.podman(['inspect', containerName(spec)]))[0];
      expect(inspect.HostConfig.Memory).toBe(64 * 1024 * 1024);
      expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readFileSync(spec.logFile, 'utf8')).toContain(`listening on ${spec.port}`);
    } finally {
      await app.stop();
    }
    expect((await probeHealth(spec.port, '/healthz', 500)).ok).toBe(false);
    expect(podman.podman(['ps', '-a', '--format', '{{.Names}}'])).not.toContain(containerName(spec));
  }, 60_000);

  it('deploys through the Deployer, and a broken v2 leaves v1 serving', async () => {
    const layout = homeLayout(join(work, 'home'));
    const deployer = await Deployer.open({ layout, runtime, maxHealthTimeoutMs: 4000 });
    const v1 = await bundleOf('boxed-app', '1.0.0');
    const manifest1 = JSON.parse(tinyAppFiles('boxed-app', '1.0.0').get('app.json') as string);
    const first = await deployer.deploy('boxed-app', { manifest: { ...manifest1, env: [] }, bundlePath: v1.path, sha256: v1.sha256 });
    expect(first.state).toBe('healthy');
    const v2 = await bundleOf('boxed-app', '2.0.0', { broken: true, healthTimeoutSeconds: 2 });
    const manifest2 = JSON.parse(tinyAppFiles('boxed-app', '2.0.0', { broken: true, healthTimeoutSeconds: 2 }).get('app.json') as string);
    const second = await deployer.deploy('boxed-app', { manifest: { ...manifest2, env: [] }, bundlePath: v2.path, sha256: v2.sha256 });
    expect(second.state).toBe('rolled-back');
    const record = deployer.apps()[0]!;
    expect(record.current).toBe('1.0.0');
    const answer = (await (await fetch(`http://127.0.0.1:${record.port}/`)).json()) as { version: string };
    expect(answer.version).toBe('1.0.0');
    await deployer.close({ stopApps: true });
    expect(podman.podman(['ps', '-a', '--format', '{{.Names}}']).trim()).toBe('');
  }, 90_000);

  it('mounts a granted workstation file read only, and leaves one that is not there yet unmounted instead of creating it', async () => {
    const exportsDir = join(work, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    const present = join(exportsDir, 'sales.csv');
    writeFileSync(present, 'region,amount\nnorth,1\n');
    const absent = join(exportsDir, 'tomorrow.csv');
    const dir = join(work, 'apps', 'reader', '1.0.0');
    mkdirSync(dir, { recursive: true });
    const files = tinyAppFiles('reader', '1.0.0', { readsFile: { path: absent, setting: 'SOURCE_1_FILE' } });
    for (const [file, content] of files) writeFileSync(join(dir, file), content);
    const manifest = JSON.parse(files.get('app.json') as string);
    manifest.permissions.readPaths = [{ path: absent, setting: 'SOURCE_1_FILE' }, { path: present, setting: 'SOURCE_2_FILE' }];
    const port = await freePort();
    const spec = { manifest: { ...manifest, env: [] }, dir, dataDir: join(work, 'data', 'reader'), port, logFile: join(work, 'logs', 'reader.log'), settings: { SOURCE_1_FILE: absent } };
    const app = await runtime.start(spec);
    try {
      expect((await waitHealthy(port, '/healthz', 15_000)).ok).toBe(true);
      const binds = JSON.parse(podman.podman(['inspect', containerName(spec)]))[0].HostConfig.Binds as string[];
      expect(binds.some((bind) => bind.startsWith(`${present}:${present}:ro`))).toBe(true);
      expect(binds.some((bind) => bind.startsWith(absent))).toBe(false);
      expect(existsSync(absent)).toBe(false);
      expect((await fetch(`http://127.0.0.1:${port}/rows`)).status).toBe(500);
    } finally {
      await app.stop();
    }
  }, 60_000);
  it('gives an app in a container the agent URL and token it can reach, and the agent forwards its call as that deployment', async () => {
    const layout = homeLayout(join(work, 'home-mcp'));
    const forwarded: McpCallRequest[] = [];
    const listener = await startAppCallListener({ layout, runs: (app, version) => deployer.runs(app, version), forward: async (call) => (forwarded.push(call), { status: 200, body: { content: [{ type: 'text', text: `Hello, ${String(call.arguments.name)}!` }] } }), log: () => {} });
    const deployer = await Deployer.open({ layout, runtime, maxHealthTimeoutMs: 15_000 });
    try {
      const bundle = await bundleOf('boxed-caller', '1.0.0', { callsMcp: true });
      const manifest = JSON.parse(tinyAppFiles('boxed-caller', '1.0.0', { callsMcp: true }).get('app.json') as string);
      expect((await deployer.deploy('boxed-caller', { manifest: { ...manifest, env: [] }, bundlePath: bundle.path, sha256: bundle.sha256 })).state).toBe('healthy');
      const port = deployer.apps()[0]!.port;
      const answer = (await (await fetch(`http://127.0.0.1:${port}/mcp?server=sdk-example&tool=greet&use=source&name=Ada`)).json()) as { status: number; body: { content: { text: string }[] } };
      expect(answer).toEqual({ status: 200, body: { content: [{ type: 'text', text: 'Hello, Ada!' }] } });
      expect(forwarded).toEqual([{ app: 'boxed-caller', version: '1.0.0', server: 'sdk-example', tool: 'greet', use: 'source', arguments: { name: 'Ada' } }]);
      // what the container was given: the agent on the loopback it shares, and the token of this deployment
      const { key } = JSON.parse(readFileSync(layout.appCalls, 'utf8')) as { key: string };
      const env = (JSON.parse(podman.podman(['inspect', containerName({ manifest })]))[0].Config.Env as string[]).filter((entry) => entry.startsWith('MARKETPLACE_'));
      expect(env.sort()).toEqual([`MARKETPLACE_AGENT_URL=http://127.0.0.1:${listener.port}`, `MARKETPLACE_APP_TOKEN=${appToken(key, 'boxed-caller', '1.0.0')}`]);
      // a process on the host without that token is refused, and so is the token of another deployment the agent does not run
      const direct = (token?: string) => fetch(`http://127.0.0.1:${listener.port}/mcp/call`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ server: 'sdk-example', tool: 'greet', use: 'source' }) });
      expect((await direct()).status).toBe(401);
      expect((await direct(`boxed-caller:1.0.0:${'A'.repeat(43)}`)).status).toBe(401);
      expect((await direct(appToken(key, 'boxed-caller', '0.9.0'))).status).toBe(403);
      expect((await direct(appToken(key, 'other-app', '1.0.0'))).status).toBe(403);
      expect(forwarded).toHaveLength(1);
    } finally {
      await deployer.close({ stopApps: true });
      await listener.close();
    }
  }, 90_000);
});
