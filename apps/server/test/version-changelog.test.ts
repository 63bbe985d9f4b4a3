import { randomUUID } from 'node:crypto';
import { extractSpec, continueSpec } from '@marketplace/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { publishVersion } from '../src/modules/catalog/catalog-repository.js';
import { changelogFor } from '../src/modules/catalog/version-changelog.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

let t: TestApp;
let admin: Account;
beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app, { organization: 'Changelog Org' });
}, 60_000);
afterAll(async () => t?.close());

async function publish(spec: object & { name: string }, version: string) {
  const db = t.database.db as Db;
  let app = await db.selectFrom('apps').select('id').where('org_id', '=', admin.orgId).where('name', '=', spec.name).executeTakeFirst();
  if (!app) {
    app = { id: randomUUID() };
    await db.insertInto('apps').values({ id: app.id, org_id: admin.orgId, name: spec.name, title: 't', summary: 's', kind: 'form-app', tags: [], spec: JSON.stringify(spec), latest_version: version, author_id: admin.userId }).execute();
  }
  await db.updateTable('apps').set({ latest_version: version }).where('id', '=', app.id).execute();
  await db
    .insertInto('app_versions')
    .values({ id: randomUUID(), app_id: app.id, org_id: admin.orgId, version, request_id: null, spec: JSON.stringify(spec), manifest: '{}', changelog: null, bundle_sha256: 'a'.repeat(64), bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: '{}', scan_report: '{}', published_by: admin.userId })
    .execute();
}

describe('the changelog of a new version', () => {
  it('says what changed since the latest published version, in the app’s language, not the chat messages', async () => {
    const first = extractSpec('Prosta aplikacja do ewidencji pracowników z polami: imię, e-mail, data rozpoczęcia').spec;
    expect(await changelogFor(t.database.db as Db, admin.orgId, first)).toBe(`Pierwsza wersja. ${first.summary}`);
    await publish(first, '1.0.0');
    const second = continueSpec(first, 'Dodaj też pole notatki.').spec;
    const text = await changelogFor(t.database.db as Db, admin.orgId, second);
    expect(text).toMatch(/^Dodano pole „[^”]+”\.$/);
    expect(text).not.toContain('Dodaj też');
    await publish(second, '1.1.0');
    expect(await changelogFor(t.database.db as Db, admin.orgId, second)).toBe('Bez zmian w specyfikacji; aplikacja zbudowana ponownie.');
  });

  it('describes an English app’s changes in English', async () => {
    const first = extractSpec('A web dashboard to track laptops with fields: serial number, owner, purchase date').spec;
    await publish(first, '1.0.0');
    const second = continueSpec(first, 'Remove the owner field').spec;
    expect(await changelogFor(t.database.db as Db, admin.orgId, second)).toBe('Removed the field “Owner”.');
  });

  it('stores the changes as coded entries beside the signed sentence, and the catalog shows them', async () => {
    const db = t.database.db as Db;
    const release = (spec: ReturnType<typeof extractSpec>['spec'], version: string) => ({
      requestId: randomUUID(), orgId: admin.orgId, userId: admin.userId, text: null, version, spec, manifest: {}, bundle: Buffer.from('x'), bundleSha256: 'b'.repeat(64), bundleSize: 1,
      keyId: 'k', releaseJson: '{}', validationReport: { ok: true }, scanReport: { verdict: 'clean' }, files: new Map<string, { content: Buffer }>(),
    });
    const first = extractSpec('Prosta aplikacja do rejestru sprzętu z polami: numer seryjny, właściciel').spec;
    const second = continueSpec(first, 'Dodaj też pole notatki.').spec;
    const { appId } = await publishVersion(db, { ...release(first, '1.0.0'), requestId: null as unknown as string }, async () => {});
    await publishVersion(db, { ...release(second, '1.1.0'), requestId: null as unknown as string }, async () => {});
    const app = (await call(t.app, admin, { method: 'GET', url: `/api/v1/apps/${appId}` })).json();
    const entries = Object.fromEntries(app.versions.map((v: { version: string; changelogEntries: unknown }) => [v.version, v.changelogEntries]));
    expect(entries['1.0.0']).toEqual([{ code: 'changelog.firstVersion', params: { summary: first.summary } }]);
    expect(entries['1.1.0']).toEqual([{ code: 'changelog.fieldAdded', params: { field: expect.any(String) } }]);
  });
});
