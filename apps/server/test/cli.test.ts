import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../bin/marketplace.js');
const run = promisify(execFile);
let dir: string;

async function marketplace(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (error: any) {
    return { code: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('the marketplace command', () => {
  it('prints the AppSpec of a request as JSON, and refuses a missing request', async () => {
    const ok = await marketplace('spec', '--json', '--text', 'A form for vacation requests: name, e-mail, start date, end date, type (annual, sick). Notify hr@acme.test');
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result.spec).toMatchObject({ kind: 'form-app', outputs: [{ type: 'email', target: 'hr@acme.test' }] });
    const bad = await marketplace('spec');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--text');
  });

  it('generates, packages and verifies an app; a tampered bundle is refused', async () => {
    const spec = { specVersion: 1, name: 'visitor-log', title: 'Visitor log', summary: 'Who visited the office', kind: 'api-service', entities: [{ name: 'visit', fields: [{ name: 'visitor', type: 'string', required: true }, { name: 'at', type: 'datetime' }] }] };
    await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
    expect((await marketplace('generate', 'spec.json', '--out', 'app')).code).toBe(0);
    const packaged = await marketplace('package', 'app', '--out', 'rel');
    expect(packaged.code, packaged.stderr).toBe(0);
    const files = await readdir(join(dir, 'rel'));
    expect(files).toEqual(expect.arrayContaining(['visitor-log-1.0.0.tgz', 'visitor-log-1.0.0.release.json', 'keylist.json', 'dev-root.pub']));
    const args = ['rel/visitor-log-1.0.0.release.json', '--bundle', 'rel/visitor-log-1.0.0.tgz', '--root', 'rel/dev-root.pub', '--key-list', 'rel/keylist.json'];
    const verified = await marketplace('verify', ...args);
    expect(verified.stdout).toMatch(/^OK {2}visitor-log 1\.0\.0/);
    await writeFile(join(dir, 'rel/visitor-log-1.0.0.tgz'), 'not the bundle');
    const tampered = await marketplace('verify', ...args);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(/REJECTED {2}(HASH|SIZE)_MISMATCH/);
  }, 120_000);

  it('verifies one organisation\'s audit chain named by its slug, and refuses one that does not exist', async () => {
    const created = await marketplace('admin', 'create', '--org', 'Audit Co', '--email', 'ana@audit.test');
    expect(created.code, created.stderr).toBe(0);
    const bySlug = await marketplace('audit', 'verify', '--org', 'audit-co');
    expect(bySlug.code, bySlug.stderr).toBe(0);
    expect(bySlug.stdout).toMatch(/^ok {6}org:[0-9a-f-]{36}: 1 entries$/m);
    const unknown = await marketplace('audit', 'verify', '--org', 'no-such-org');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain("--org 'no-such-org' is neither the id nor the slug of an organization in this database; leave --org out to check every organization. [ORG_NOT_FOUND]");
  }, 400_000);

  it('stops on a bad setting, naming the variable and the value', async () => {
    const { code, stderr } = await (async () => {
      try {
        await run(process.execPath, [bin, 'db', 'status'], { env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: 'eighty' } });
        return { code: 0, stderr: '' };
      } catch (error: any) {
        return { code: error.code, stderr: error.stderr as string };
      }
    })();
    expect(code).toBe(2);
    expect(stderr).toContain("PORT: expected a port number from 0 to 65535, got 'eighty'");
  });
});
