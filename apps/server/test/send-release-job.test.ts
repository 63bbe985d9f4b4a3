import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReleaseEmail } from '@marketplace/mail';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { verifyDelivery, verifyKeyList } from '@marketplace/release';
import { signedTinyRelease, type SignedTinyRelease } from '../../agent/test/release-fixtures.js';
import { loadConfig } from '../src/config/config.js';
import type { Db } from '../src/db/schema.js';
import { sendReleaseJob } from '../src/modules/distribution/send-release-job.js';
import { createLocalEventBus } from '../src/modules/events/event-bus.js';
import { startEmbeddedMailHub } from '../src/modules/mail-intake/embedded-mail-hub.js';
import { createMailIngest } from '../src/modules/mail-intake/mail-intake.js';
import { call, createTestApp, register, TEST_SECRET, type Account, type TestApp } from './helper.js';
import { createIncomingMailQueue } from '../src/modules/mail-intake/incoming-mail-queue.js';

/**
 * The distribution send job: each release e-mail carries a delivery statement signed with the
 * organisation's current release key, naming the delivery's agent, with the delivery id as nonce and
 * the organisation's download-link period (72 h by default) as its lifetime.
 */
let work: string;
let t: TestApp;
let hub: MailHub;
let admin: Account;
let agent: { id: string; mailbox: string };
let release: SignedTinyRelease;
let deliveryId: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'send-release-'));
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  admin = await register(t.app, { organization: 'Send Org' });
  const { code } = (await call(t.app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const enrolled = (await t.app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'laptop', hostname: 'laptop', os: 'linux' } })).json();
  agent = { id: enrolled.agentId, mailbox: enrolled.mailbox };
  release = await signedTinyRelease(await t.app.orgKeys.signingKey(admin.orgId), 'lunch-orders', '1.0.0');
  const db = t.database.db as Db;
  const appId = randomUUID();
  const versionId = randomUUID();
  deliveryId = randomUUID();
  await db.insertInto('apps').values({ id: appId, org_id: admin.orgId, name: 'lunch-orders', title: 'Lunch orders', summary: 'Orders lunch.', kind: 'form-app', tags: [], spec: '{}', latest_version: '1.0.0', author_id: admin.userId }).execute();
  await db
    .insertInto('app_versions')
    .values({ id: versionId, app_id: appId, org_id: admin.orgId, version: '1.0.0', request_id: null, spec: '{}', manifest: '{}', changelog: null, bundle_sha256: release.sha256, bundle_size: release.size, key_id: release.keyId, release_json: release.envelopeJson, validation_report: '{}', scan_report: '{}', published_by: admin.userId })
    .execute();
  await db.insertInto('app_version_bundles').values({ version_id: versionId, bundle: release.bundle }).execute();
  await db.insertInto('deliveries').values({ id: deliveryId, org_id: admin.orgId, app_id: appId, version_id: versionId, agent_id: agent.id, user_id: admin.userId, recipient: agent.mailbox, state: 'queued', requested_by: admin.userId }).execute();
}, 60_000);

afterAll(async () => {
  await hub?.close();
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

/** One more delivery of the same version to the same agent, sent by the job through the hub; its id. */
async function sendAnotherDelivery(jobId: string): Promise<string> {
  const db = t.database.db as Db;
  const version = await db.selectFrom('deliveries').select(['app_id', 'version_id']).where('id', '=', deliveryId).executeTakeFirstOrThrow();
  const id = randomUUID();
  await db.insertInto('deliveries').values({ id, org_id: admin.orgId, app_id: version.app_id, version_id: version.version_id, agent_id: agent.id, user_id: admin.userId, recipient: agent.mailbox, state: 'queued', requested_by: admin.userId }).execute();
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), SMTP_LISTEN_PORT: '0', DATA_DIR: work });
  const job = sendReleaseJob({ db, config, logger: pino({ level: 'silent' }), events: createLocalEventBus(), keys: t.app.orgKeys });
  await job.handler({ orgId: admin.orgId, deliveryId: id }, { jobId, attempt: 1, logger: pino({ level: 'silent' }) });
  return id;
}

describe('distribution.send', () => {
  it('attaches a delivery statement for the delivery’s agent that verifies under the organisation’s key list', async () => {
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), SMTP_LISTEN_PORT: '0', DATA_DIR: work });
    const job = sendReleaseJob({ db: t.database.db as Db, config, logger: pino({ level: 'silent' }), events: createLocalEventBus(), keys: t.app.orgKeys });
    const logger = pino({ level: 'silent' });
    expect(await job.handler({ orgId: admin.orgId, deliveryId }, { jobId: 'job-1', attempt: 1, logger })).toMatchObject({ sent: expect.any(String) });

    const inbox = join(mailboxDirectory(join(work, 'hub'), agent.mailbox), 'new');
    const [file] = readdirSync(inbox);
    const parsed = await parseReleaseEmail(readFileSync(join(inbox, file!)));
    if (parsed.kind !== 'release') throw new Error(`not a release mail: ${parsed.kind}`);
    expect(parsed.deliveryFileName).toBe('lunch-orders-1.0.0.delivery.json');

    const keys = await t.app.orgKeys.publicInfo(admin.orgId);
    const keyList = verifyKeyList({ keyList: keys.keyList, rootPublicKey: keys.rootPublicKey, org: admin.orgId });
    if (!keyList.ok) throw new Error(keyList.message);
    const expect_ = { org: admin.orgId, agentId: agent.id, release: { app: 'lunch-orders', version: '1.0.0', sha256: release.sha256 } };
    const checked = await verifyDelivery({ envelope: parsed.deliveryJson, keyList: keyList.keyList, expect: expect_ });
    expect(checked).toMatchObject({ ok: true, statement: { recipient: { agentId: agent.id }, nonce: deliveryId, org: admin.orgId } });
    if (checked.ok) expect(Date.parse(checked.statement.expiresAt) - Date.parse(checked.statement.issuedAt)).toBe(72 * 3_600_000);
    // by default the organisation grants no file outside an app's data folder
    if (checked.ok) expect(checked.statement.policy).toBeUndefined();
    // the same mail on another agent of the organisation is not for it
    expect(await verifyDelivery({ envelope: parsed.deliveryJson, keyList: keyList.keyList, expect: { ...expect_, agentId: randomUUID() } })).toMatchObject({ ok: false, code: 'DELIVERY_WRONG_AGENT' });
  }, 30_000);

  it('signs the workstation paths the organisation policy allows into the delivery statement, and refuses a relative one', async () => {
    const refused = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { workstationReadPaths: ['exports/sales'] } } } });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('must be an absolute path on the workstation');
    const saved = await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { workstationReadPaths: ['/srv/exports', 'C:\\exports'] } } } });
    expect(saved.statusCode, saved.body).toBe(200);
    const granted = await sendAnotherDelivery('job-policy');
    const inbox = join(mailboxDirectory(join(work, 'hub'), agent.mailbox), 'new');
    const mails = await Promise.all(readdirSync(inbox).map(async (file) => parseReleaseEmail(readFileSync(join(inbox, file)))));
    const keys = await t.app.orgKeys.publicInfo(admin.orgId);
    const keyList = verifyKeyList({ keyList: keys.keyList, rootPublicKey: keys.rootPublicKey, org: admin.orgId });
    if (!keyList.ok) throw new Error(keyList.message);
    const statements = await Promise.all(
      mails.map((mail) => (mail.kind === 'release' ? verifyDelivery({ envelope: mail.deliveryJson, keyList: keyList.keyList, expect: { org: admin.orgId, agentId: agent.id, release: { app: 'lunch-orders', version: '1.0.0', sha256: release.sha256 } } }) : null)),
    );
    const ours = statements.find((checked) => checked?.ok && checked.statement.nonce === granted);
    expect(ours?.ok && ours.statement.policy).toEqual({ readPaths: ['/srv/exports', 'C:\\exports'] });
    await call(t.app, admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { workstationReadPaths: [] } } } });
  }, 30_000);

  it('writes the release mail in the language the agent’s owner chose (Polish over the organisation’s English), commands verbatim', async () => {
    const db = t.database.db as Db;
    const chosen = await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${admin.userId}`, payload: { language: 'pl' } });
    expect(chosen.statusCode, chosen.body).toBe(200);
    try {
      const polish = await sendAnotherDelivery('job-pl');
      const inbox = join(mailboxDirectory(join(work, 'hub'), agent.mailbox), 'new');
      const mails = await Promise.all(readdirSync(inbox).map((file) => simpleParser(readFileSync(join(inbox, file)))));
      const mail = mails.find((m) => m.messageId?.includes(polish));
      expect(mail?.headers.get('content-language')).toBe('pl');
      for (const body of [mail!.text ?? '', String(mail!.html)]) {
        for (const words of ['Kontrole', 'Walidacja: bez walidacji', `Suma sha256 paczki: ${release.sha256}`, 'Instalacja agentem wdrożeń', 'Instalacja ręczna bez agenta']) expect(body).toContain(words);
        for (const command of ['marketplace-agent install lunch-orders-1.0.0.release.json --bundle lunch-orders-1.0.0.tgz', 'sha256sum lunch-orders-1.0.0.tgz']) expect(body).toContain(command);
        expect(body).not.toContain('Install with the deploy agent');
      }
      // the delivery record says which language it went out in
      expect(await db.selectFrom('outgoing_mail').select('language').where('message_id', '=', mail!.messageId!).executeTakeFirstOrThrow()).toEqual({ language: 'pl' });
    } finally {
      await call(t.app, admin, { method: 'PATCH', url: `/api/v1/users/${admin.userId}`, payload: { language: null } });
    }
  }, 30_000);

  it('a retry on a worker of another host finds the message the hub already stored, and does not send it twice', async () => {
    const db = t.database.db as Db;
    // The smtp role's hub, with its own DATA_DIR; the worker retrying has a different one and reaches the hub by MAIL_HUB_HOST.
    const hubDir = join(work, 'smtp-role');
    const hubConfig = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, SMTP_LISTEN_PORT: '0', DATA_DIR: hubDir });
    const embedded = await startEmbeddedMailHub(hubConfig, { db, mailQueue: createIncomingMailQueue({ db, dataDir: hubDir, intake: createMailIngest(), logger: pino({ level: 'silent' }) }) }, pino({ level: 'silent' }));
    try {
      const workerConfig = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, MAIL_HUB_HOST: '127.0.0.1', MAIL_HUB_PORT: String(embedded.port), DATA_DIR: join(work, 'worker-host') });
      const job = sendReleaseJob({ db, config: workerConfig, logger: pino({ level: 'silent' }), events: createLocalEventBus(), keys: t.app.orgKeys });
      const logger = pino({ level: 'silent' });
      const again = randomUUID();
      const version = await db.selectFrom('deliveries').select(['app_id', 'version_id']).where('id', '=', deliveryId).executeTakeFirstOrThrow();
      await db.insertInto('deliveries').values({ id: again, org_id: admin.orgId, app_id: version.app_id, version_id: version.version_id, agent_id: agent.id, user_id: admin.userId, recipient: agent.mailbox, state: 'queued', requested_by: admin.userId }).execute();
      const inbox = join(mailboxDirectory(hubDir, agent.mailbox), 'new');
      expect(await job.handler({ orgId: admin.orgId, deliveryId: again }, { jobId: 'job-2', attempt: 1, logger })).toMatchObject({ sent: expect.any(String) });
      expect(readdirSync(inbox)).toHaveLength(1);
      // A worker died after the hub's 250 and before it marked the delivery sent: the retry runs elsewhere.
      await db.updateTable('deliveries').set({ state: 'sending' }).where('id', '=', again).execute();
      expect(await job.handler({ orgId: admin.orgId, deliveryId: again }, { jobId: 'job-2', attempt: 2, logger })).toEqual({ sent: 'found in the hub after a restart' });
      expect(readdirSync(inbox)).toHaveLength(1);
      expect(await db.selectFrom('deliveries').select('state').where('id', '=', again).executeTakeFirstOrThrow()).toEqual({ state: 'sent' });
    } finally {
      await embedded.close();
    }
  }, 30_000);
});
