import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMaildir } from '@marketplace/mail';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { keyIdOf } from '@marketplace/release';
import { ATTACK_CORPUS, ATTACK_LIMITS, createAttackContext, type AttackContext } from '@marketplace/release/testing';
import { enroll, homeLayout, loadConfig, probeHealth, saveConfig, startAgent, type RunningAgent } from '../../agent/src/index.js';
import { releaseMail, sendMail, signedTinyRelease } from '../../agent/test/release-fixtures.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/**
 * Every crafted release of the shared attack corpus, plus hostile mail, delivered by SMTP to a
 * running agent with one healthy app: nothing new is deployed, the mail lands in Rejected, the
 * server is told the reason, and the agent keeps working.
 */
let t: TestApp;
let hub: MailHub;
let admin: Account;
let agent: RunningAgent;
let ctx: AttackContext;
let mailDir: string;
let work: string;
let offeredKeyList: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'agent-attacks-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  const serverUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  admin = await register(t.app, { organization: 'Attacked Org' });
  const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const home = join(work, 'home');
  await enroll({ server: serverUrl, code, home });
  // The corpus is built around its own organisation root; pin that root here, as enrolment would.
  ctx = createAttackContext({ org: admin.orgId });
  const layout = homeLayout(home);
  const config = await loadConfig(layout);
  await saveConfig(layout, { ...config, rootPublicKey: ctx.rootPublicKey, rootFingerprint: ctx.rootFingerprint, policy: ctx.policy as any, limits: ATTACK_LIMITS as Record<string, number> });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(layout.keyList, JSON.stringify({ json: ctx.keyList, version: ctx.keyListVersion }));
  offeredKeyList = ctx.keyList;
  mailDir = mailboxDirectory(join(work, 'hub'), config.mailbox);
  agent = await startAgent({ home, mailbox: await openMaildir(mailDir, { fsWatch: false }), fetchKeyList: async () => offeredKeyList, maxHealthTimeoutMs: 8000, log: () => {} });

  // version 1.0.0 of the attacked app runs, so rollback and upgrade attacks have something to aim at
  const v1 = await signedTinyRelease({ org: ctx.org, keyId: keyIdOf(ctx.secrets.release), privateKey: ctx.secrets.release }, ctx.app, '1.0.0');
  await sendMail(hub, await releaseMail(v1, { org: ctx.org, to: config.mailbox, agentId: config.agentId }), 'marketplace@marketplace.test', config.mailbox);
  await agent.processOnce();
  expect(agent.deployedVersion(ctx.app)).toBe('1.0.0');
}, 60_000);

afterAll(async () => {
  await agent?.stop({ stopApps: true });
  await hub?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

function rawMail(options: { from?: string; headers?: Record<string, string | string[]>; attachments: { filename: string; content: Buffer | string }[]; text?: string }): Promise<Buffer> {
  return new MailComposer({
    from: options.from ?? 'marketplace@marketplace.test',
    to: agent.config.mailbox,
    subject: `Release ${ctx.app} ${ctx.nextVersion}`,
    headers: { 'X-Marketplace-Release': `${ctx.app}@${ctx.nextVersion}`, 'X-Marketplace-Org': ctx.org, ...options.headers },
    text: options.text ?? 'A release.',
    attachments: options.attachments,
  })
    .compile()
    .build();
}

const rejectedCount = () => (existsSync(join(mailDir, '.Marketplace.Rejected', 'cur')) ? readdirSync(join(mailDir, '.Marketplace.Rejected', 'cur')).length : 0);
const inboxCount = () => readdirSync(join(mailDir, 'new')).length + readdirSync(join(mailDir, 'cur')).length;

async function deliverAndExpectRefusal(raw: Buffer, expectedCode: string) {
  const before = rejectedCount();
  await sendMail(hub, raw, 'marketplace@marketplace.test', agent.config.mailbox);
  const counts = await agent.processOnce();
  expect(counts.processed).toBe(1);
  expect(rejectedCount()).toBe(before + 1);
  expect(inboxCount()).toBe(0);
  // nothing deployed: 1.0.0 still current, still healthy, nothing else unpacked
  expect(agent.deployedVersion(ctx.app)).toBe('1.0.0');
  expect(readdirSync(join(homeLayout(agent.deployer.layout.root).apps, ctx.app)).sort()).toEqual(['1.0.0', 'current']);
  const record = agent.deployer.apps().find((app) => app.name === ctx.app)!;
  expect((await probeHealth(record.port!, '/healthz')).ok).toBe(true);
  // the server was told why
  const items = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments?app=${ctx.app}&state=rejected` })).json().items;
  const detail = (await call(t.app, admin, { method: 'GET', url: `/api/v1/deployments/${items[0].id}` })).json();
  expect(detail.history.at(-1)).toMatchObject({ state: 'rejected', reason: { code: expectedCode } });
}

describe('attack corpus through the agent', () => {
  it('has at least 25 cases with the mail-level ones', () => {
    expect(ATTACK_CORPUS.length + MAIL_ATTACKS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(ATTACK_CORPUS.map((attack) => [attack.id, attack] as const))('%s: refused, moved to Rejected, reported', async (_id, attack) => {
    const built = await attack.build(ctx);
    offeredKeyList = built.keyList;
    try {
      const raw = await rawMail({ attachments: [{ filename: `${ctx.app}-${ctx.nextVersion}.tgz`, content: built.bundle }, { filename: `${ctx.app}-${ctx.nextVersion}.release.json`, content: built.envelope }] });
      // envelopes that are not a release-shaped DSSE document are already refused when the mail is read
      const mailLevel = ['malformed-envelope', 'wrong-payload-type', 'missing-signature'].includes(attack.id) ? 'INVALID_RELEASE_JSON' : built.expectedCode;
      await deliverAndExpectRefusal(raw, mailLevel);
    } finally {
      offeredKeyList = ctx.keyList;
    }
  });

  const MAIL_ATTACKS: { id: string; code: string; build(): Promise<Buffer> }[] = [
    { id: 'malformed MIME (multipart without boundary)', code: 'MALFORMED_MIME', build: async () => Buffer.from(`From: marketplace@marketplace.test\r\nTo: x@y.test\r\nX-Marketplace-Release: ${ctx.app}@${ctx.nextVersion}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nbroken\r\n`) },
    { id: 'missing release attachment', code: 'MISSING_RELEASE_ATTACHMENT', build: () => rawMail({ attachments: [{ filename: `${ctx.app}-${ctx.nextVersion}.tgz`, content: Buffer.from('tgz') }] }) },
    {
      id: 'two releases in one mail',
      code: 'MULTIPLE_RELEASES',
      build: async () => {
        const a = await signedTinyRelease({ org: ctx.org, keyId: keyIdOf(ctx.secrets.release), privateKey: ctx.secrets.release }, ctx.app, '1.1.0');
        const b = await signedTinyRelease({ org: ctx.org, keyId: keyIdOf(ctx.secrets.release), privateKey: ctx.secrets.release }, ctx.app, '1.2.0');
        return rawMail({ attachments: [a, b].flatMap((r) => [{ filename: r.bundleFileName, content: r.bundle }, { filename: r.envelopeFileName, content: r.envelopeJson }]) });
      },
    },
    {
      id: 'forged From: the server’s address, signed by another organisation',
      code: 'KEY_UNKNOWN',
      build: async () => {
        const forged = await signedTinyRelease({ org: ctx.org, keyId: keyIdOf(ctx.secrets.otherRoot), privateKey: ctx.secrets.otherRoot }, ctx.app, '1.1.0');
        return releaseMail(forged, { org: ctx.org, to: agent.config.mailbox, agentId: agent.config.agentId, from: 'marketplace@marketplace.test' });
      },
    },
    {
      id: 'another organisation’s genuine release',
      code: 'ORG_MISMATCH',
      build: async () => {
        const other = await signedTinyRelease({ org: 'other-org', keyId: keyIdOf(ctx.secrets.release), privateKey: ctx.secrets.release }, ctx.app, '1.1.0');
        return releaseMail(other, { org: 'other-org', to: agent.config.mailbox, agentId: agent.config.agentId });
      },
    },
  ];

  it.each(MAIL_ATTACKS.map((attack) => [attack.id, attack] as const))('mail: %s', async (_id, attack) => {
    await deliverAndExpectRefusal(await attack.build(), attack.code);
  });

  it('still deploys a genuine release afterwards', async () => {
    const next = await signedTinyRelease({ org: ctx.org, keyId: keyIdOf(ctx.secrets.release), privateKey: ctx.secrets.release }, ctx.app, '1.5.0');
    await sendMail(hub, await releaseMail(next, { org: ctx.org, to: agent.config.mailbox, agentId: agent.config.agentId }), 'marketplace@marketplace.test', agent.config.mailbox);
    await agent.processOnce();
    expect(agent.deployedVersion(ctx.app)).toBe('1.5.0');
  });
});
