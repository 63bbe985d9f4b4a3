import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveConfig } from '../src/agent-config.js';
import { homeLayout } from '../src/agent-home.js';
import { runDoctor } from '../src/commands/doctor-command.js';
import { openAgentMailbox } from '../src/open-mailbox.js';

/**
 * Releases sent to the embedded mail hub land in <DATA_DIR>/mail/<address> on the server's machine:
 * an agent started there without --maildir reads that folder (enrolment gave it), and doctor fails
 * when the agent would read a mailbox its releases never reach.
 */
const work = mkdtempSync(join(tmpdir(), 'open-mailbox-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ADDRESS = 'agent-0a1b2c3d4e@agents.marketplace.local';

async function enrolledHome(name: string, hubMaildir: string) {
  const home = join(work, name);
  await saveConfig(homeLayout(home), {
    configVersion: 1,
    serverUrl: 'http://127.0.0.1:9',
    orgId: 'org-1',
    agentId: 'agent-1',
    clientId: 'client-1',
    clientSecret: 'secret-1',
    mailbox: ADDRESS,
    rootPublicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAexampleexampleexampleexampleexample=\n-----END PUBLIC KEY-----\n',
    rootFingerprint: 'AAAA BBBB CCCC DDDD EEEE',
    enrolledAt: new Date().toISOString(),
    hubMaildir,
  });
  return home;
}

describe('the mailbox an agent reads', () => {
  it('is the hub folder from enrolment when the server’s data folder is on this machine, even before its first mail', async () => {
    const dataDir = join(work, 'server-data');
    mkdirSync(join(dataDir, 'db'), { recursive: true });
    const hubMaildir = join(dataDir, 'mail', ADDRESS);
    const home = await enrolledHome('on-the-server', hubMaildir);
    const chosen = await openAgentMailbox({ hubMaildir, env: {} }, homeLayout(home).maildir);
    expect(chosen.source).toBe('hub');
    // a release the hub stores there is what the agent lists
    writeFileSync(join(hubMaildir, 'new', '1.release.eml'), 'Subject: release\r\n\r\nbody\r\n');
    expect(await chosen.mailbox.list()).toHaveLength(1);
    await chosen.mailbox.close();
    const checks = await runDoctor(home);
    expect(checks.find((check) => check.name === 'mailbox')).toMatchObject({ ok: true, detail: expect.stringContaining(hubMaildir) });
  });

  it('is --maildir or IMAP when given; doctor fails when the hub folder is not on this machine and nothing else is set', async () => {
    const hubMaildir = join(work, 'elsewhere', 'data', 'mail', ADDRESS);
    const home = await enrolledHome('another-machine', hubMaildir);
    const given = join(work, 'given-maildir');
    const explicit = await openAgentMailbox({ maildir: given, hubMaildir, env: {} }, homeLayout(home).maildir);
    expect(explicit.source).toBe('maildir');
    await explicit.mailbox.close();
    const fallback = await openAgentMailbox({ hubMaildir, env: {} }, homeLayout(home).maildir);
    expect(fallback.source).toBe('home');
    await fallback.mailbox.close();
    const mailbox = (await runDoctor(home)).find((check) => check.name === 'mailbox');
    expect(mailbox).toMatchObject({ ok: false, detail: expect.stringContaining(`releases are sent to ${ADDRESS}`) });
    expect(mailbox?.fix).toContain(hubMaildir);
    // with the Maildir named, doctor checks that one
    expect((await runDoctor(home, { maildir: given })).find((check) => check.name === 'mailbox')).toMatchObject({ ok: true });
  });
});
