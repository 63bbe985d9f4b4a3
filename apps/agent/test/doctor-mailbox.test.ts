import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverToMaildir, ensureMaildir } from '@marketplace/mail';
import { createAttackContext } from '@marketplace/release/testing';
import { saveConfig } from '../src/agent-config.js';
import { homeLayout } from '../src/agent-home.js';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'agent-doctor-'));
const home = join(work, 'home');
const hubMaildir = join(work, 'hub', 'agent-1@agents.marketplace.local');
// No IMAP settings and no Docker here: the mailbox check is what this file is about.
const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` };
for (const name of ['IMAP_HOST', 'IMAP_PORT', 'IMAP_USER', 'IMAP_PASS', 'MARKETPLACE_AGENT_HOME']) delete env[name];

function agent(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8', env, timeout: 60_000 });
}

beforeAll(async () => {
  const ctx = createAttackContext({ org: 'test-org' });
  await saveConfig(homeLayout(home), {
    configVersion: 1,
    serverUrl: 'http://127.0.0.1:9',
    orgId: ctx.org,
    agentId: 'agent-1',
    clientId: 'client',
    clientSecret: 'secret',
    mailbox: 'agent-1@agents.marketplace.local',
    rootPublicKey: ctx.rootPublicKey,
    rootFingerprint: ctx.rootFingerprint,
    enrolledAt: new Date().toISOString(),
  });
  await ensureMaildir(hubMaildir);
  await deliverToMaildir(hubMaildir, Buffer.from('From: someone@example.com\r\nTo: agent-1@agents.marketplace.local\r\nSubject: hello\r\n\r\nnot a release\r\n'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('doctor checks the mailbox the agent reads', () => {
  it('checks the Maildir `run --maildir` watched, not the empty default, without being told again', () => {
    const before = agent(['doctor', '--home', home]);
    expect(before.stdout).toContain(`Maildir ${join(home, 'mail')}: 0 messages in the inbox`);

    const run = agent(['run', '--once', '--home', home, '--maildir', hubMaildir]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('handled 0 release mails; 1 other message left untouched');

    const after = agent(['doctor', '--home', home]);
    expect(after.stdout).toContain(`Maildir ${hubMaildir} (the one \`run\` watched last): 1 message in the inbox`);
    // an explicit --maildir still wins
    const explicit = agent(['doctor', '--home', home, '--maildir', join(home, 'mail')]);
    expect(explicit.stdout).toContain(`Maildir ${join(home, 'mail')}: 0 messages in the inbox`);
  });

  it('says it could not check an IMAP mailbox `run` read with settings doctor was not given, and how to give them', () => {
    const settings = join(work, 'imap.env');
    const imapHome = join(work, 'imap-home');
    spawnSync('cp', ['-r', home, imapHome]);
    // what `run --env-file` leaves behind after logging in to IMAP (no password is kept)
    writeFileSync(join(imapHome, 'state', 'mailbox.json'), JSON.stringify({ describe: 'IMAP agent-1@mail.example.com:993', since: new Date().toISOString() }));
    const doctor = agent(['doctor', '--home', imapHome]);
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toContain('FAIL mailbox          not checked: `run` last watched IMAP agent-1@mail.example.com:993, and no IMAP_* settings are given here');
    expect(doctor.stdout).toContain('fix: run doctor with the same --env-file (or IMAP_* variables) as `run`');
    // given the same settings file, doctor tries that IMAP account (nothing listens on port 1 here)
    writeFileSync(settings, 'IMAP_HOST=127.0.0.1\nIMAP_PORT=1\nIMAP_USER=agent-1\nIMAP_PASS=secret\n');
    const given = agent(['doctor', '--home', imapHome, '--env-file', settings]);
    expect(given.stdout).toMatch(/FAIL mailbox .*ECONNREFUSED/);
    expect(given.stdout).not.toContain('not checked');
  });
});
