import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { loadState, homeLayout } from '../../agent/src/index.js';
import { releaseMail, sendMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';
import { requireBinary } from './system-binary.js';

/**
 * The deploy agent as an employee gets it: the one-file bundle copied alone into an empty directory (no
 * repository, no node_modules), run with plain `node`: it enrols, deploys a signed release from its mailbox,
 * and installs itself as a per-user service whose unit systemd accepts.
 */
const repo = join(import.meta.dirname, '../../..');
let t: TestApp;
let hub: MailHub;
let admin: Account;
let work: string;
let bundle: string;
let home: string;
let mailDir: string;
let userEnv: NodeJS.ProcessEnv;

function agent(args: string[], env: NodeJS.ProcessEnv = userEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args], { cwd: join(work, 'clean'), env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-bundle-'));
  const built = join(work, 'build', 'marketplace-agent.mjs');
  const build = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts/build.ts'), 'agent', '--agent-out', built], { cwd: repo, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  mkdirSync(join(work, 'clean'));
  bundle = join(work, 'clean', 'marketplace-agent.mjs');
  copyFileSync(built, bundle);
  // A user's environment: nothing of this repository (no NODE_OPTIONS loader, no NODE_PATH), its own home.
  userEnv = { PATH: process.env.PATH, HOME: join(work, 'user'), XDG_CONFIG_HOME: join(work, 'user', '.config'), LANG: 'C.UTF-8' };
  home = join(work, 'user', '.config', 'marketplace-agent');
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  admin = await register(t.app, { organization: 'Bundle Org' });
}, 120_000);

afterAll(async () => {
  const state = home && existsSync(home) ? await loadState(homeLayout(home)) : { apps: {} };
  for (const app of Object.values(state.apps)) {
    try {
      if (app.pid) process.kill(-app.pid, 'SIGKILL');
    } catch {}
  }
  await hub?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the single-file agent bundle', () => {
  it('is one file that runs alone with plain node', () => {
    expect(readdirSync(join(work, 'clean'))).toEqual(['marketplace-agent.mjs']);
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/from ["']@marketplace\//);
  });

  it('refuses to build when a library it embeds for first use is imported statically, saying how to import it', () => {
    const script = [
      `import { build } from 'esbuild';`,
      `import { AGENT_EMBEDDED_LIBRARIES, AGENT_EMBEDDED_ON_REQUIRE, embeddedLibraries } from ${JSON.stringify(join(repo, 'scripts/embedded-libraries.ts'))};`,
      `await build({ stdin: { contents: "import { simpleParser } from 'mailparser'; console.log(simpleParser);", resolveDir: ${JSON.stringify(repo)} }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent',`,
      `  plugins: [embeddedLibraries(${JSON.stringify(repo)}, AGENT_EMBEDDED_LIBRARIES, AGENT_EMBEDDED_ON_REQUIRE, [])] });`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("imports mailparser statically; the agent loads it on first use, so write `await import('mailparser')`");
  });

  it('decodes Japanese and Central European headers and knows attachment types through the parts it compiles on first use', () => {
    const probe = [
      "import libmime from 'libmime';",
      "console.log(JSON.stringify([libmime.decodeWords('=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?='), libmime.decodeWords('=?Shift_JIS?B?k/qWe4zq?='), libmime.decodeWords('=?windows-1250?Q?=9Ale=9Eaj?='), libmime.detectMimeType('report.pdf'), libmime.detectExtension('image/png')]));",
    ].join(' ');
    const script = [
      `import { build } from 'esbuild';`,
      `import { AGENT_EMBEDDED_LIBRARIES, AGENT_EMBEDDED_ON_REQUIRE, embeddedLibraries } from ${JSON.stringify(join(repo, 'scripts/embedded-libraries.ts'))};`,
      `const result = await build({ stdin: { contents: ${JSON.stringify(probe)}, resolveDir: ${JSON.stringify(repo)} }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent',`,
      `  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },`,
      `  plugins: [embeddedLibraries(${JSON.stringify(repo)}, AGENT_EMBEDDED_LIBRARIES, AGENT_EMBEDDED_ON_REQUIRE, [])] });`,
      `process.stdout.write(result.outputFiles[0].text);`,
    ].join('\n');
    const built = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain('new Proxy'); // the parts are stand-ins until first use, not compiled at start-up
    const probeFile = join(work, 'clean-probe.mjs');
    writeFileSync(probeFile, built.stdout);
    const ran = spawnSync(process.execPath, [probeFile], { cwd: work, encoding: 'utf8', env: userEnv });
    expect(ran.status, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual(['日本語', '日本語', 'šležaj', 'application/pdf', 'png']);
  });

  it('enrols against the server and deploys a signed release from its mailbox', async () => {
    const serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const enrolled = await agent(['enroll', '--server', serverUrl, '--code', code]);
    expect(enrolled.status, enrolled.stderr).toBe(0);
    expect(enrolled.stdout).toContain('Enrolled as agent');
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { mailbox: string; agentId: string };
    const mailbox = config.mailbox;
    mailDir = mailboxDirectory(join(work, 'hub'), mailbox);

    const release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'bundle-app', '1.0.0');
    await sendMail(hub, await releaseMail(release, { org: admin.orgId, to: mailbox, agentId: config.agentId }), 'marketplace@marketplace.test', mailbox);
    const once = await agent(['run', '--once', '--maildir', mailDir, '--health-timeout', '20']);
    expect(once.status, once.stderr).toBe(0);
    expect(once.stdout).toContain('handled 1 release mail;');
    const port = (await loadState(homeLayout(home))).apps['bundle-app']!.port!;
    expect(((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { version: string }).version).toBe('1.0.0');
  });

  it('checks itself with doctor, loading the embedded Docker client: no engine is a reason, not a crash', async () => {
    const doctor = await agent(['doctor', '--maildir', mailDir], { ...userEnv, DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` });
    expect(doctor.stderr).toBe('');
    expect(doctor.status, doctor.stdout).toBe(0);
    expect(doctor.stdout).toMatch(/runtime container not available \(optional\): .*no-docker\.sock.*ENOENT/);
    expect(doctor.stdout).not.toContain('__dirname');
  });

  it('refuses service input it cannot use, saying what to give instead', async () => {
    const platform = await agent(['service', 'install', '--platform', 'solaris']);
    expect(platform.status).toBe(1);
    expect(platform.stderr).toContain('use one of linux, darwin, win32');
    const maildir = await agent(['service', 'install', '--maildir', join(work, 'nowhere'), '--no-start']);
    expect(maildir.stderr).toMatch(/--maildir must name an existing directory: .*nowhere/);
    const notEnrolled = await agent(['service', 'install', '--home', join(work, 'empty-home'), '--no-start']);
    expect(notEnrolled.stderr).toContain('not enrolled');
  });

  it('writes a systemd user unit that runs this bundle, which systemd accepts, and removes it again', async () => {
    const installed = await agent(['service', 'install', '--maildir', mailDir, '--no-start', '--platform', 'linux']);
    expect(installed.status, installed.stderr).toBe(0);
    const unitFile = join(work, 'user', '.config', 'systemd', 'user', 'marketplace-agent.service');
    expect(installed.stdout).toContain(`Wrote ${unitFile}`);
    expect(installed.stdout).toContain('systemctl --user enable --now marketplace-agent.service');
    const unit = readFileSync(unitFile, 'utf8');
    expect(unit).toContain(`ExecStart="${process.execPath}" "${bundle}" "run" "--home" "${home}" "--maildir" "${mailDir}"`);
    expect(unit).toContain('KillMode=process'); // the deployed apps outlive a restart of the agent
    expect(unit).toContain('WantedBy=default.target');

    if (requireBinary('systemd-analyze', 'systemd')) {
      const verify = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stderr.split('\n').filter((line) => line.includes(unitFile))).toEqual([]);
    }

    const status = await agent(['service', 'status', '--platform', 'linux']);
    expect(status.stdout).toContain(`Installed: ${unitFile}`);
    const removed = await agent(['service', 'uninstall', '--platform', 'linux']);
    expect(removed.stdout).toContain(`Removed ${unitFile}`);
    expect(existsSync(unitFile)).toBe(false);
  });

  it('writes a launchd agent and a Windows scheduled task for the same command', async () => {
    const mac = await agent(['service', 'install', '--maildir', mailDir, '--platform', 'darwin']);
    expect(mac.status, mac.stderr).toBe(0);
    const plist = readFileSync(join(work, 'user', 'Library', 'LaunchAgents', 'com.marketplace.agent.plist'), 'utf8');
    expect(plist).toContain(`<string>${bundle}</string>`);
    expect(plist).toContain('<key>AbandonProcessGroup</key>\n  <true/>');
    expect(mac.stdout).toMatch(/launchctl bootstrap gui\/\d+ /);

    const windows = await agent(['service', 'install', '--maildir', mailDir, '--platform', 'win32'], { ...userEnv, LOCALAPPDATA: join(work, 'user', 'AppData', 'Local') });
    expect(windows.status, windows.stderr).toBe(0);
    const raw = readFileSync(join(work, 'user', 'AppData', 'Local', 'marketplace-agent', 'marketplace-agent-task.xml'));
    expect([...raw.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const task = raw.subarray(2).toString('utf16le');
    expect(task).toContain(`<Command>${process.execPath}</Command>`);
    expect(task).toContain(`<Arguments>${bundle} run --home ${home} --maildir ${mailDir}`);
    expect(windows.stdout).toContain('schtasks /Create /TN marketplace-agent /XML');
  });

  it('runs under a real systemd user manager where one is available', async () => {
    const manager = spawnSync('systemctl', ['--user', 'is-system-running'], { encoding: 'utf8' });
    const usable = manager.status === 0 || /running|degraded/.test(manager.stdout ?? '');
    if (!usable) {
      console.warn(`no systemd user manager here (${(manager.stdout || manager.stderr || manager.error?.message || '').trim()}): the unit was checked with systemd-analyze instead`);
      return;
    }
    const env = { ...userEnv, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? join(process.env.HOME ?? '', '.config') };
    const installed = await agent(['service', 'install', '--home', home, '--maildir', mailDir], env);
    try {
      expect(installed.status, installed.stderr).toBe(0);
      const active = spawnSync('systemctl', ['--user', 'is-active', 'marketplace-agent.service'], { encoding: 'utf8' });
      expect(active.stdout.trim()).toBe('active');
    } finally {
      await agent(['service', 'uninstall'], env);
    }
  });
});
