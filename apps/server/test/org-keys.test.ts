import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundle, RELEASE_STATEMENT_TYPE, signRelease, verifyKeyList, verifyRelease } from '@marketplace/release';
import { addUser, call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
let member: Account;
beforeAll(async () => {
  t = await createTestApp({ env: { ROOT_KEY_PASSPHRASE: 'a test root key passphrase' } });
  admin = await register(t.app, { organization: 'Keys Org' });
  member = await addUser(t.app, admin, ['member']);
});
afterAll(async () => t.close());

async function signedBy(orgId: string) {
  const key = await t.app.orgKeys.signingKey(orgId);
  const files = new Map<string, string>([
    ['app.json', JSON.stringify({ manifestVersion: 1, name: 'hello', version: '1.0.0', kind: 'api-service', title: 'Hello', runtime: { name: 'node', version: '20' }, start: ['node', 'server.js'], port: 8080, health: { path: '/healthz' }, resources: { memoryMb: 64, cpu: 0.5, diskMb: 10 }, permissions: { network: [], mail: false, filesystem: 'data-dir' } })],
    ['server.js', 'require("http")'],
  ]);
  const bundle = await createBundle({ files });
  const now = Date.now();
  const envelope = signRelease(
    {
      _type: RELEASE_STATEMENT_TYPE,
      app: 'hello',
      version: '1.0.0',
      org: key.org,
      bundle: { name: bundle.fileName, sha256: bundle.sha256, size: bundle.size },
      specDigest: `sha256:${'a'.repeat(64)}`,
      validationReportDigest: `sha256:${'b'.repeat(64)}`,
      scan: { verdict: 'clean', scanners: [] },
      approver: 'ana@example.test',
      publishedAt: new Date(now - 1000).toISOString(),
      expiresAt: new Date(now + 86_400_000).toISOString(),
      keyId: key.keyId,
    } as any,
    key.privateKey,
  ).json;
  return { envelope, bundle: bundle.data };
}

describe('organisation keys', () => {
  it('creates a root and a release key on first use, and releases signed with it verify against what GET /keys serves', async () => {
    const keys = (await call(t.app, member, { method: 'GET', url: '/api/v1/keys' })).json();
    expect(keys.keyListVersion).toBe(1);
    expect(keys.rootFingerprint).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    expect(keys.keys).toHaveLength(1);
    expect(verifyKeyList({ keyList: keys.keyList, rootPublicKey: keys.rootPublicKey, org: admin.orgId })).toMatchObject({ ok: true });
    const release = await signedBy(admin.orgId);
    const verified = await verifyRelease({ envelope: release.envelope, bundle: release.bundle, rootPublicKey: keys.rootPublicKey, keyList: keys.keyList, expect: { org: admin.orgId } });
    expect(verified).toMatchObject({ ok: true });
  });

  it('stores private keys encrypted, never as plain PEM', async () => {
    const rows = await t.database.db.selectFrom('org_release_keys').select('private_key_encrypted').execute();
    const roots = await t.database.db.selectFrom('org_root_keys').select('private_key_encrypted').execute();
    for (const row of [...rows, ...roots]) expect(row.private_key_encrypted).toContain('BEGIN ENCRYPTED PRIVATE KEY');
  });

  it('rotates and revokes (admin only, audited): releases of a revoked key stop verifying', async () => {
    const before = await signedBy(admin.orgId);
    expect((await call(t.app, member, { method: 'POST', url: '/api/v1/keys/rotate' })).statusCode).toBe(403);
    const rotated = await call(t.app, admin, { method: 'POST', url: '/api/v1/keys/rotate' });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().keyListVersion).toBe(2);
    expect((await t.app.orgKeys.signingKey(admin.orgId)).keyId).toBe(rotated.json().keyId);

    const oldKeyId = JSON.parse(Buffer.from(JSON.parse(before.envelope).payload, 'base64').toString()).keyId;
    const revoked = await call(t.app, admin, { method: 'POST', url: `/api/v1/keys/${oldKeyId}/revoke` });
    expect(revoked.json()).toEqual({ keyListVersion: 3 });
    expect((await call(t.app, admin, { method: 'POST', url: `/api/v1/keys/${oldKeyId}/revoke` })).statusCode).toBe(409);
    const keys = (await call(t.app, admin, { method: 'GET', url: '/api/v1/keys' })).json();
    const result = await verifyRelease({ envelope: before.envelope, bundle: before.bundle, rootPublicKey: keys.rootPublicKey, keyList: keys.keyList, lastKeyListVersion: 2, expect: { org: admin.orgId } });
    expect(result).toMatchObject({ ok: false, code: 'KEY_REVOKED' });
    const audit = (await call(t.app, admin, { method: 'GET', url: '/api/v1/audit?limit=50' })).json();
    const actions = JSON.stringify(audit);
    expect(actions).toContain('org_key.rotate');
    expect(actions).toContain('org_key.revoke');
  });

  it('revoking the only active key adds a fresh one so signing never stops', async () => {
    const other = await register(t.app, { organization: 'Keys Org 2' });
    const { keyId } = await t.app.orgKeys.signingKey(other.orgId);
    const response = await call(t.app, other, { method: 'POST', url: `/api/v1/keys/${keyId}/revoke` });
    expect(response.statusCode).toBe(200);
    const next = await t.app.orgKeys.signingKey(other.orgId);
    expect(next.keyId).not.toBe(keyId);
    const info = await t.app.orgKeys.publicInfo(other.orgId);
    expect(info.keys.map((key) => key.status).sort()).toEqual(['active', 'revoked']);
  });

  it('refuses to create keys in production without a passphrase', async () => {
    const prod = await createTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const account = await register(prod.app, { organization: 'Prod Org' });
      const response = await call(prod.app, account, { method: 'GET', url: '/api/v1/keys' });
      expect(response.statusCode).toBe(500);
      await expect(prod.app.orgKeys.ensure(account.orgId)).rejects.toThrow(/ROOT_KEY_PASSPHRASE or ROOT_KEY_FILE/);
      expect(await prod.database.db.selectFrom('org_root_keys').selectAll().execute()).toEqual([]);
    } finally {
      await prod.close();
    }
  });
});
