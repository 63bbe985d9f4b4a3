import { type KeyObject, randomBytes } from 'node:crypto';
import { KEYLIST_PAYLOAD_TYPE } from '../dsse.js';
import { signKeyList } from '../key-list.js';
import { exportPublicKey, keyIdOf } from '../keys.js';
import type { AttackEntry } from './attack-case.js';
import { attackManifest, attackStatement, hoursFrom, signRaw } from './attack-context.js';
import { craftTarGz } from './craft-tar-gz.js';
import { attackBundle, attackCase, attackEnvelope } from './release-builders.js';

/** Attacks verifyRelease must refuse: signatures, keys, key lists, statements, bundle identity and policy. */
export const VERIFY_ATTACKS: AttackEntry[] = [
  {
    id: 'malformed-envelope',
    description: 'The release file is not JSON at all.',
    build: async (ctx) => attackCase(ctx, { envelope: '{"payloadType": "application/vnd.marketplace.release+json", "payload": ', bundle: await attackBundle(ctx), expectedCode: 'MALFORMED_ENVELOPE' }),
  },
  {
    id: 'wrong-payload-type',
    description: 'A validly signed envelope of another document type (an in-toto statement) passed off as a release.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const envelope = signRaw(attackStatement(ctx, bundle), [ctx.secrets.release], 'application/vnd.in-toto+json');
      return attackCase(ctx, { envelope: JSON.stringify(envelope), bundle, expectedCode: 'WRONG_PAYLOAD_TYPE' });
    },
  },
  {
    id: 'missing-signature',
    description: 'The signatures were stripped from the envelope.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const envelope = JSON.parse(attackEnvelope(ctx, bundle));
      return attackCase(ctx, { envelope: JSON.stringify({ ...envelope, signatures: [] }), bundle, expectedCode: 'SIGNATURE_INVALID' });
    },
  },
  {
    id: 'wrong-signature',
    description: "The signature of another release by the right key, pasted onto this one.",
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const envelope = JSON.parse(attackEnvelope(ctx, bundle));
      const other = JSON.parse(attackEnvelope(ctx, bundle, { changelog: 'another release' }));
      return attackCase(ctx, { envelope: JSON.stringify({ ...envelope, signatures: other.signatures }), bundle, expectedCode: 'SIGNATURE_INVALID' });
    },
  },
  {
    id: 'tampered-statement',
    description: 'The statement was edited after signing (approver changed), keeping the old signature.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const envelope = JSON.parse(attackEnvelope(ctx, bundle));
      const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
      statement.approver = 'attacker@evil.example';
      envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
      return attackCase(ctx, { envelope: JSON.stringify(envelope), bundle, expectedCode: 'SIGNATURE_INVALID' });
    },
  },
  {
    id: 'unknown-key',
    description: 'Signed by a key the organisation never listed.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, {}, ctx.secrets.stranger), bundle, expectedCode: 'KEY_UNKNOWN' });
    },
  },
  {
    id: 'revoked-key',
    description: 'Signed by a release key the organisation revoked (a leaked key).',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, {}, ctx.secrets.revokedRelease), bundle, expectedCode: 'KEY_REVOKED' });
    },
  },
  {
    id: 'keylist-other-root',
    description: "A key list listing the attacker's key, signed by another root than the pinned one.",
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const forged = signKeyList(
        { ...ctx.secrets.keyLists.v3.keyList, version: ctx.keyListVersion + 1, keys: [...ctx.secrets.keyLists.v3.keyList.keys, listed(ctx.secrets.stranger, ctx.now)] },
        ctx.secrets.otherRoot,
      );
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, {}, ctx.secrets.stranger), bundle, keyList: forged.json, expectedCode: 'KEYLIST_UNTRUSTED' });
    },
  },
  {
    id: 'keylist-wrong-type',
    description: 'A release envelope offered where the key list belongs.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const envelope = attackEnvelope(ctx, bundle);
      return attackCase(ctx, { envelope, bundle, keyList: envelope, expectedCode: 'KEYLIST_MALFORMED' });
    },
  },
  {
    id: 'keylist-expired',
    description: 'A root-signed key list past its expiry (a frozen organisation, or a replayed old list).',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const expired = signKeyList({ ...ctx.secrets.keyLists.v3.keyList, version: ctx.keyListVersion + 1, expiresAt: hoursFrom(ctx.now, -1).toISOString() }, ctx.secrets.root);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, keyList: expired.json, expectedCode: 'KEYLIST_EXPIRED' });
    },
  },
  {
    id: 'keylist-rollback',
    description: 'An older, genuine key list in which the revoked key was still active, with a release signed by that key.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, {}, ctx.secrets.revokedRelease), bundle, keyList: ctx.secrets.keyLists.v2.json, expectedCode: 'KEYLIST_ROLLBACK' });
    },
  },
  {
    id: 'keylist-key-substituted',
    description: 'A root-signed key list whose entry claims a key id that does not match its public key.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const payload = { ...ctx.secrets.keyLists.v3.keyList, version: ctx.keyListVersion + 1 };
      payload.keys = payload.keys.map((key) => (key.status === 'active' ? { ...key, publicKey: listed(ctx.secrets.stranger, ctx.now).publicKey } : key));
      const envelope = signRaw(payload, [ctx.secrets.root], KEYLIST_PAYLOAD_TYPE);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, {}, ctx.secrets.stranger), bundle, keyList: JSON.stringify(envelope), expectedCode: 'KEYLIST_MALFORMED' });
    },
  },
  {
    id: 'modified-bundle',
    description: 'One byte of the bundle changed after signing; the size is unchanged.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const envelope = attackEnvelope(ctx, bundle);
      const modified = Buffer.from(bundle);
      modified[Math.floor(modified.length / 2)]! ^= 0xff;
      return attackCase(ctx, { envelope, bundle: modified, expectedCode: 'HASH_MISMATCH' });
    },
  },
  {
    id: 'size-mismatch',
    description: 'Bytes appended to the signed bundle.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle: Buffer.concat([bundle, Buffer.from('#!/bin/sh\nrm -rf ~\n')]), expectedCode: 'SIZE_MISMATCH' });
    },
  },
  {
    id: 'oversized-bundle',
    description: 'A signed bundle larger than the agent accepts (incompressible padding).',
    build: async (ctx) => {
      const bundle = await craftTarGz([
        { name: 'app.json', body: JSON.stringify(attackManifest(ctx)) },
        { name: 'padding.bin', body: randomBytes(ctx.limits.maxBundleBytes + 1024) },
      ]);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, expectedCode: 'BUNDLE_TOO_LARGE' });
    },
  },
  {
    id: 'older-version',
    description: 'A genuine, older release replayed to roll the app back.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx, { version: '0.9.0' });
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, { version: '0.9.0' }), bundle, expectedCode: 'VERSION_NOT_NEWER' });
    },
  },
  {
    id: 'same-version-resent',
    description: 'The release already deployed, sent again.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx, { version: ctx.deployedVersion });
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, { version: ctx.deployedVersion }), bundle, expectedCode: 'VERSION_NOT_NEWER' });
    },
  },
  {
    id: 'expired-statement',
    description: 'A genuine release whose expiry passed (the organisation froze it).',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      const envelope = attackEnvelope(ctx, bundle, { publishedAt: hoursFrom(ctx.now, -48).toISOString(), expiresAt: hoursFrom(ctx.now, -1).toISOString() });
      return attackCase(ctx, { envelope, bundle, expectedCode: 'STATEMENT_EXPIRED' });
    },
  },
  {
    id: 'app-a-statement-with-app-b-bundle',
    description: "A statement for this app signed over another app's bundle (a confused signer): app.json names another app.",
    build: async (ctx) => {
      const bundle = await attackBundle(ctx, { name: 'payroll-export', title: 'Payroll export' });
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, expectedCode: 'APP_MISMATCH' });
    },
  },
  {
    id: 'statement-for-other-app',
    description: "Another app's genuine release delivered as an update of this app.",
    build: async (ctx) => {
      const bundle = await attackBundle(ctx, { name: 'payroll-export' });
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, { app: 'payroll-export' }), bundle, expectedCode: 'APP_MISMATCH' });
    },
  },
  {
    id: 'other-org',
    description: 'A release issued for another organisation.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle, { org: 'globex' }), bundle, expectedCode: 'ORG_MISMATCH' });
    },
  },
  {
    id: 'manifest-missing',
    description: 'A signed bundle without app.json.',
    build: async (ctx) => {
      const bundle = await craftTarGz([{ name: 'server.js', body: 'console.log(1)\n' }]);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, expectedCode: 'MANIFEST_MISSING' });
    },
  },
  {
    id: 'forbidden-port',
    description: 'app.json asks to listen on port 22, outside the policy range.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx, { port: 22 });
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, expectedCode: 'POLICY_VIOLATION' });
    },
  },
  {
    id: 'forbidden-permission',
    description: 'app.json asks for network access to a host the policy does not allow.',
    build: async (ctx) => {
      const bundle = await attackBundle(ctx, { permissions: { network: ['exfil.evil.example:443'], mail: false, filesystem: 'data-dir' } });
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, expectedCode: 'POLICY_VIOLATION' });
    },
  },
];

/** A key list entry for `key`, active since `now`. */
function listed(key: KeyObject, now: Date) {
  return { keyId: keyIdOf(key), publicKey: exportPublicKey(key), purpose: 'release' as const, status: 'active' as const, createdAt: now.toISOString() };
}
