import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/schema.js';

/** RFC 5321: a local part longer than this may be refused; the return path then is the plain address. */
const MAX_LOCAL_PART = 64;
/** 64 bits of HMAC: a forger must guess it per recipient, one SMTP transaction per guess. */
const TAG_HEX = 16;
/** `+b<recipient row id, 32 hex><tag, 16 hex>`: lower-case hex survives relays that fold the case of local parts. */
const RETURN_PATH = /\+b([0-9a-f]{32})([0-9a-f]{16})@/;
/** The form before decision 0046: `+bounce-<random token>`, still accepted for a grace period (see legacyBounceToken). */
const LEGACY_RETURN_PATH = /\+bounce-([a-z0-9]{16,40})@/;

const keys = new WeakMap<Db, Promise<Buffer>>();

/**
 * The server's key for return-path tags: made once (32 random bytes) and kept in the database, so every
 * process that sends mail and every one that reads bounces (roles worker, smtp) agrees on it.
 */
export function returnPathKey(db: Db): Promise<Buffer> {
  let key = keys.get(db);
  if (!key) {
    key = (async () => {
      await db.insertInto('mail_return_path_keys').values({ id: 1, key: randomBytes(32).toString('hex') }).onConflict((oc) => oc.column('id').doNothing()).execute();
      const row = await db.selectFrom('mail_return_path_keys').select('key').where('id', '=', 1).executeTakeFirstOrThrow();
      return Buffer.from(row.key, 'hex');
    })();
    key.catch(() => keys.delete(db));
    keys.set(db, key);
  }
  return key;
}

const hexOf = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** HMAC over the outgoing recipient row, bound to its organisation: a tag made for one organisation's mail fits no other. */
function tagOf(key: Buffer, orgId: string | null, recipientId: string): string {
  return createHmac('sha256', key).update(`return-path:v1:${orgId ?? 'no-org'}:${recipientId.toLowerCase()}`).digest('hex').slice(0, TAG_HEX);
}

/**
 * VERP: the envelope sender of one outgoing mail to one recipient, `<service>+b<recipient id><tag>@<domain>`.
 * A DSN comes back to it and names that recipient row; the tag proves the server made the address.
 * Past 64 characters of local part the plain address is used (the DSN is then matched by Message-ID).
 */
export function returnPathFor(from: string, key: Buffer, mail: { orgId: string | null; recipientId: string }): string {
  const at = from.lastIndexOf('@');
  if (at < 0) return from;
  const local = `${from.slice(0, at)}+b${hexOf(mail.recipientId)}${tagOf(key, mail.orgId, mail.recipientId)}`;
  return local.length <= MAX_LOCAL_PART ? `${local}${from.slice(at)}` : from;
}

/** The recipient row id and tag a return path carries, unchecked (see returnPathIsGenuine), or null for any other address. */
export function readReturnPath(address: string): { recipientId: string; tag: string } | null {
  const match = RETURN_PATH.exec(address.toLowerCase());
  return match ? { recipientId: uuidOf(match[1]!), tag: match[2]! } : null;
}

/** Whether the tag is the server's for this recipient row of this organisation (constant-time compare). */
export function returnPathIsGenuine(key: Buffer, orgId: string | null, recipientId: string, tag: string): boolean {
  const expected = Buffer.from(tagOf(key, orgId, recipientId));
  const given = Buffer.from(tag.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The random token of a return path of the old `+bounce-<token>` form, or null. */
export function legacyBounceToken(address: string): string | null {
  return LEGACY_RETURN_PATH.exec(address.toLowerCase())?.[1] ?? null;
}
