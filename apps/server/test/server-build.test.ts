import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swaks } from '@marketplace/mail/testing';
import { SERVER_EXTERNAL_LIBRARIES, buildServer } from '../../../scripts/build.js';
import { freePort } from './free-port.js';
import { TEST_SECRET } from './helper.js';

/**
 * The built `marketplace` command as production runs it (`npm run build`, then the bin): the server and its
 * pure-JS libraries compiled into a few chunks, only the libraries that find files beside themselves left in
 * node_modules; it starts on a fresh data directory, migrates, answers /readyz, registers an organisation and
 * takes mail on its hub (whose thread starts from the build's own mail-hub-worker.js).
 */
const repo = join(import.meta.dirname, '../../..');
// Inside the repository, like apps/server/dist/js: the chunks import the external libraries from its node_modules.
const out = join(repo, 'apps/server/dist', `test-build-${process.pid}`);
let dataDir: string;
let metafile: Metafile;
let server: ChildProcess | undefined;

beforeAll(async () => {
  metafile = await buildServer(out);
  dataDir = await mkdtemp(join(tmpdir(), 'server-build-'));
}, 180_000);

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await new Promise((done) => server!.once('exit', done));
  }
  await rm(out, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('the built server (npm run build)', () => {
  it('imports from node_modules only the libraries that read files beside themselves; the rest is compiled in', () => {
    const externals = (dynamic: boolean) => {
      const imported = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external && (entry.kind === 'dynamic-import') === dynamic).map((entry) => entry.path));
      const named = imported.filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier.split('/')[0]!));
      return [...new Set(named.map((specifier) => packageOf(specifier.includes('node_modules/') ? specifier.slice(specifier.lastIndexOf('node_modules/') + 13) : specifier)))];
    };
    const libraries = externals(false);
    expect(libraries.filter((name) => !SERVER_EXTERNAL_LIBRARIES.includes(name))).toEqual([]);
    // CommonJS libraries loaded with import() are Node's to load, so their named exports are there (as in the sources)
    expect(externals(true)).toEqual(expect.arrayContaining(['mailparser', 'mailauth', 'semver', 'tar-stream']));
    const bundled = Object.keys(metafile.inputs).filter((input) => input.includes('node_modules/')).map((input) => packageOf(input.slice(input.lastIndexOf('node_modules/') + 13)));
    for (const name of ['fastify', 'zod', 'kysely', 'pg', 'pg-boss', 'commander']) {
      expect(bundled, name).toContain(name);
      expect(libraries, name).not.toContain(name);
    }
  });

  it('has source maps that name the TypeScript sources, which exist in the tree', () => {
    const map = JSON.parse(readFileSync(join(out, 'main.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    const sources = map.sources.map((source) => resolve(out, source));
    expect(sources).toContain(join(repo, 'apps/server/src/cli/main.ts'));
    expect(sources.some((source) => source.includes('/node_modules/fastify/'))).toBe(true);
    // (some libraries ship maps naming TypeScript files they do not ship; ours are all there)
    expect(sources.filter((source) => !source.includes('/node_modules/') && !existsSync(source))).toEqual([]);
    expect(map.sourcesContent).toBeUndefined();
    expect(readFileSync(join(out, 'main.js'), 'utf8')).toMatch(/\/\/# sourceMappingURL=main\.js\.map\s*$/);
  });

  it('starts on a fresh data directory, answers /readyz and registers an organisation', async () => {
    const port = await freePort();
    const hubPort = await freePort();
    server = spawn(process.execPath, [join(out, 'main.js'), 'serve'], {
      cwd: dirname(out),
      env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'info', JWT_SECRET: TEST_SECRET, ROOT_KEY_PASSPHRASE: 'a test root key passphrase', DATA_DIR: dataDir, PORT: String(port), SMTP_LISTEN_PORT: String(hubPort), MAIL_ALLOW_UNVERIFIED_SENDERS: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 150_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.status, () => 0);
      if (ready === 200) break;
      expect(server.exitCode, output).toBeNull();
      expect(Date.now() < deadline, `not ready in 150 s:\n${output}`).toBe(true);
      await new Promise((done) => setTimeout(done, 100));
    }
    const registered = await fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organization: 'Built Co', name: 'Ana Admin', email: 'ana@built.example', password: 'correct horse battery staple' }),
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
    expect((await registered.clone().json()).organization.name).toBe('Built Co');
    const { token } = (await registered.json()) as { token: string; organization: { name: string } };
    const admin = { authorization: `Bearer ${token}` };
    // the mail hub and the first sweeps come after /readyz; the start is complete when this line is logged
    while (!output.includes('"msg":"marketplace started"')) {
      expect(server.exitCode, output).toBeNull();
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(output).toMatch(/"phasesMs":\{"load":\d+/);
    // the mail hub's listener runs in a thread started from its own built file (mail-hub-worker.js beside the chunks)
    const mail = await swaks(hubPort, ['--from', 'lee@elsewhere.example', '--to', 'ana@built.example', '--header', 'Subject: built hub']);
    expect(mail.output).toMatch(/<- {2}250 2\.0\.0 stored for 1 recipient/);
    const readiness = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
    expect(readiness.checks).toContainEqual(expect.objectContaining({ name: 'mail-hub', ok: true }));
    // a request mailed to the service address is read by the libraries the build loads on first use (mailparser,
    // mailauth: CommonJS, imported lazily): it is analysed, not quarantined as unparseable
    const request = await swaks(hubPort, ['--from', 'ana@built.example', '--to', 'marketplace@marketplace.localhost', '--header', 'Subject: Laptop register', '--body', 'I need an app to track our laptops: serial number, owner e-mail, purchase date.']);
    expect(request.output).toMatch(/<- {2}250 /);
    const api = async (path: string) => (await (await fetch(`http://127.0.0.1:${port}/api/v1${path}`, { headers: admin })).json()) as { items: Record<string, any>[] };
    let analyses: Record<string, any>[] = [];
    while (analyses.length === 0) {
      expect((await api('/mail-quarantine')).items, output).toEqual([]);
      expect(Date.now() < deadline, `the mail was not processed:\n${output}`).toBe(true);
      await new Promise((done) => setTimeout(done, 200));
      analyses = (await api('/mail-analyses')).items;
    }
    expect(analyses[0]).toMatchObject({ subject: 'Laptop register' });
    expect(JSON.stringify(analyses[0]!.stages.sender)).not.toMatch(/is not a function/);
    server.kill('SIGTERM');
    const code = await new Promise((done) => server!.once('exit', (exitCode) => done(exitCode)));
    expect(code, output).toBe(0);
  }, 180_000);
});
