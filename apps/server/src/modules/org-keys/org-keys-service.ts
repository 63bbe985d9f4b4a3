import type { Db } from '../../db/schema.js';
import type { KeyObject } from 'node:crypto';
import { checkKeyList, createKeyList, generateReleaseKey, generateRootKey, keyFingerprint, loadPrivateKey, revokeKey, rotateReleaseKey, type SignedKeyList } from '@marketplace/release';
import { NotFoundError, ConflictError } from '../../errors/app-error.js';

export interface OrgKeysPublicInfo {
  /** The organisation name that key lists and release statements carry (the organisation id). */
  org: string;
  rootPublicKey: string;
  rootFingerprint: string;
  /** The signed key list (DSSE envelope JSON), as agents verify it. */
  keyList: string;
  keyListVersion: number;
  keys: { keyId: string; status: 'active' | 'revoked'; createdAt: string; revokedAt?: string | undefined }[];
}

export interface OrgKeys {
  /** Creates the root key, the first release key and key list version 1 when the organisation has none. */
  ensure(orgId: string): Promise<void>;
  /** The newest active release key: sign release statements with it (statement.org = `org`). */
  signingKey(orgId: string): Promise<{ org: string; keyId: string; privateKey: KeyObject }>;
  publicInfo(orgId: string): Promise<OrgKeysPublicInfo>;
  /** A new active release key (key list version + 1); earlier keys stay valid until revoked. */
  rotate(orgId: string): Promise<{ keyId: string; keyListVersion: number }>;
  /** Revokes a release key; when it was the last active one, a new key is added first. */
  revoke(orgId: string, keyId: string): Promise<{ keyListVersion: number }>;
}


/** Organisation keys on the server's database; private keys stay encrypted with `passphrase()`, decrypted keys are cached. */
export function createOrgKeys(db: Db, passphrase: () => Promise<string>): OrgKeys {
  const decrypted = new Map<string, KeyObject>();
  const ensuring = new Map<string, Promise<void>>();
  const locks = new Map<string, Promise<unknown>>();

  async function privateKey(pem: string, cacheKey: string): Promise<KeyObject> {
    let key = decrypted.get(cacheKey);
    if (!key) {
      key = loadPrivateKey({ pem, passphrase: await passphrase() });
      decrypted.set(cacheKey, key);
    }
    return key;
  }

  const root = (orgId: string, executor: Db = db) => executor.selectFrom('org_root_keys').selectAll().where('org_id', '=', orgId).executeTakeFirst();

  async function create(orgId: string): Promise<void> {
    if (await root(orgId)) return;
    const secret = await passphrase();
    const rootKey = generateRootKey({ passphrase: secret });
    const release = generateReleaseKey({ passphrase: secret });
    const signed = createKeyList({ org: orgId, releasePublicKey: release.publicKey, rootPrivateKey: { pem: rootKey.privateKey, passphrase: secret } });
    await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('org_root_keys')
        .values({ org_id: orgId, key_id: rootKey.keyId, public_key: rootKey.publicKey, private_key_encrypted: rootKey.privateKey, key_list_json: signed.json, key_list_version: signed.keyList.version })
        .onConflict((oc) => oc.column('org_id').doNothing())
        .returning('org_id')
        .executeTakeFirst();
      if (!inserted) return; // another server process won the race; its keys stand
      await trx.insertInto('org_release_keys').values({ key_id: release.keyId, org_id: orgId, public_key: release.publicKey, private_key_encrypted: release.privateKey, status: 'active' }).execute();
    });
  }

  async function ensure(orgId: string): Promise<void> {
    let pending = ensuring.get(orgId);
    if (!pending) {
      pending = create(orgId).finally(() => ensuring.delete(orgId));
      ensuring.set(orgId, pending);
    }
    await pending;
  }

  /** Key list changes of one organisation run one at a time in this process; the version check in the UPDATE guards across processes. */
  function serialized<T>(orgId: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(orgId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    locks.set(orgId, next);
    return next;
  }

  async function saveKeyList(orgId: string, expectedVersion: number, signed: SignedKeyList, trx: Db): Promise<void> {
    const updated = await trx
      .updateTable('org_root_keys')
      .set({ key_list_json: signed.json, key_list_version: signed.keyList.version, updated_at: new Date() })
      .where('org_id', '=', orgId)
      .where('key_list_version', '=', expectedVersion)
      .returning('org_id')
      .executeTakeFirst();
    if (!updated) throw new ConflictError('The key list changed at the same time; try again.', 'KEY_LIST_CHANGED');
  }

  async function loaded(orgId: string, executor: Db = db) {
    const row = (await root(orgId, executor))!;
    const keyList = checkKeyList(JSON.parse(Buffer.from(JSON.parse(row.key_list_json).payload, 'base64').toString('utf8')));
    return { row, keyList };
  }

  async function rotateUnlocked(orgId: string, trx: Db) {
    const { row, keyList } = await loaded(orgId, trx);
    const secret = await passphrase();
    const release = generateReleaseKey({ passphrase: secret });
    const signed = rotateReleaseKey({ keyList, newPublicKey: release.publicKey, rootPrivateKey: await privateKey(row.private_key_encrypted, `root:${orgId}`) });
    await trx.insertInto('org_release_keys').values({ key_id: release.keyId, org_id: orgId, public_key: release.publicKey, private_key_encrypted: release.privateKey, status: 'active' }).execute();
    await saveKeyList(orgId, row.key_list_version, signed, trx);
    return { keyId: release.keyId, keyListVersion: signed.keyList.version };
  }

  return {
    ensure,
    async signingKey(orgId) {
      await ensure(orgId);
      const row = await db.selectFrom('org_release_keys').selectAll().where('org_id', '=', orgId).where('status', '=', 'active').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      return { org: orgId, keyId: row.key_id, privateKey: await privateKey(row.private_key_encrypted, `release:${orgId}:${row.key_id}`) };
    },
    async publicInfo(orgId) {
      await ensure(orgId);
      const { row, keyList } = await loaded(orgId);
      return {
        org: orgId,
        rootPublicKey: row.public_key,
        rootFingerprint: keyFingerprint(row.public_key),
        keyList: row.key_list_json,
        keyListVersion: row.key_list_version,
        keys: keyList.keys.map((key) => ({ keyId: key.keyId, status: key.status, createdAt: key.createdAt, revokedAt: key.revokedAt })),
      };
    },
    rotate: (orgId) => serialized(orgId, async () => {
      await ensure(orgId);
      return db.transaction().execute((trx) => rotateUnlocked(orgId, trx));
    }),
    revoke: (orgId, keyId) =>
      serialized(orgId, async () => {
        await ensure(orgId);
        return db.transaction().execute(async (trx) => {
          const target = await trx.selectFrom('org_release_keys').select(['key_id', 'status']).where('org_id', '=', orgId).where('key_id', '=', keyId).executeTakeFirst();
          if (!target) throw new NotFoundError('Release key', keyId);
          if (target.status === 'revoked') throw new ConflictError(`Release key ${keyId.slice(0, 16)}… is already revoked.`, 'KEY_ALREADY_REVOKED');
          const active = await trx.selectFrom('org_release_keys').select('key_id').where('org_id', '=', orgId).where('status', '=', 'active').execute();
          if (active.length === 1) await rotateUnlocked(orgId, trx);
          const { row, keyList } = await loaded(orgId, trx);
          const signed = revokeKey({ keyList, keyId, rootPrivateKey: await privateKey(row.private_key_encrypted, `root:${orgId}`) });
          await trx.updateTable('org_release_keys').set({ status: 'revoked', revoked_at: new Date() }).where('org_id', '=', orgId).where('key_id', '=', keyId).execute();
          await saveKeyList(orgId, row.key_list_version, signed, trx);
          decrypted.delete(`release:${orgId}:${keyId}`);
          return { keyListVersion: signed.keyList.version };
        });
      }),
  };
}
