import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttackContext } from '@marketplace/release/testing';
import { saveConfig } from '../src/agent-config.js';
import { homeLayout } from '../src/agent-home.js';

/** `doctor --env-file`: the settings a service runs with (`run --env-file`), so doctor checks the mailbox the service reads. */
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'agent-doctor-'));
const home = join(work, 'home');
const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` };
for (const name of ['IMAP_HOST', 'IMAP_PORT', 'IMAP_USER', 'IMAP_PASS', 'MARKETPLACE_AGENT_HOME']) delete env[name];
const doctor = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, 'doctor', '--home', home, ...args], { encoding: 'utf8', env, timeout: 60_000 });

beforeAll(async () => {
  const ctx = createAttackContext({ org: 'test-org' });
  await saveConfig(homeLayout(home), {
    configVersion: 1, serverUrl: 'http://127.0.0.1:9', orgId: ctx.org, agentId: 'agent-1', clientId: 'client', clientSecret: 'secret', mailbox: 'agent-1@mail.example.com',
    rootPublicKey: ctx.rootPublicKey, rootFingerprint: ctx.rootFingerprint, enrolledAt: new Date().toISOString(),
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('doctor with the settings file the service uses', () => {
  it('checks the IMAP account that file names, not the empty home Maildir', () => {
    const without = doctor([]);
    expect(without.stdout).toContain(`ok   mailbox          Maildir ${join(home, 'mail')}: 0 messages in the inbox`);
    const settings = join(work, 'agent.env');
    // nothing listens on port 1: the check fails, and says it tried that account
    writeFileSync(settings, 'IMAP_HOST=127.0.0.1\nIMAP_PORT=1\nIMAP_USER=agent-1\nIMAP_PASS=secret\n');
    const withSettings = doctor(['--env-file', settings]);
    expect(withSettings.status).toBe(1);
    expect(withSettings.stdout).toMatch(/FAIL mailbox .*ECONNREFUSED/);
    expect(withSettings.stdout).not.toContain(join(home, 'mail'));
  });
});
