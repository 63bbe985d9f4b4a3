import * as z from 'zod';
import { appNameSchema, appVersionSchema, workstationPathSchema } from './app-manifest.js';
import { parseEnvelope, type DsseEnvelope } from './dsse.js';
import { DEFAULT_LIMITS } from './limits.js';
import { keyIdSchema, orgSchema } from './key-list.js';
import type { PrivateKeyInput } from './keys.js';
import { signStatement } from './sign-statement.js';
import { lazySchema } from './lazy-schema.js';

/**
 * A delivery statement binds one release to the workstation it was sent to: signed under the same
 * organisation key list as releases, it names the recipient agent by its enrolment id (or a group it
 * is configured into), the app, the version and the bundle's hash, with a one-time nonce and a short
 * expiry. Never a mailbox: an address outlives its agent (a revoked agent's mailbox can be given to
 * another one, mail can be forwarded), an enrolment id does not.
 */
export const DELIVERY_PAYLOAD_TYPE = 'application/vnd.marketplace.delivery+json';
export const DELIVERY_STATEMENT_TYPE = 'https://marketplace.local/delivery/v1';
/** Longest lifetime of a statement; agents remember a nonce until its statement expires, so this bounds what they keep. */
export const MAX_DELIVERY_LIFETIME_MS = 31 * 86_400_000;

const isoDateTime = lazySchema(() =>
  z.iso.datetime({ offset: true }),
);
const id = lazySchema(() =>
  z.string().min(1).max(128),
);

export const deliveryRecipientSchema = lazySchema(() =>
  z.union([
    /** One enrolled agent: what the server signs for each delivery. */
    z.object({ agentId: id }).strict(),
    /** Every agent of a group (the agent must be configured with the group's id). */
    z.object({ groupId: id }).strict(),
  ]),
);

export const deliveryStatementSchema = lazySchema(() =>
  z
    .object({
      _type: z.literal(DELIVERY_STATEMENT_TYPE).default(DELIVERY_STATEMENT_TYPE),
      org: orgSchema,
      recipient: deliveryRecipientSchema,
      app: appNameSchema,
      version: appVersionSchema,
      bundleSha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hex digits' }),
      /** Unique per delivery; an agent refuses a nonce it has seen. */
      nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, { message: 'must be 16 to 128 characters of [A-Za-z0-9_-]' }),
      issuedAt: isoDateTime,
      expiresAt: isoDateTime,
      /** The id of the release key that signs the statement. */
      keyId: keyIdSchema,
      /**
       * The organisation's policy when it sent the release, signed with it: the workstation path
       * prefixes an app may read outside its data directory (setting policy.workstationReadPaths).
       * Absent or empty: no file outside the data directory is granted.
       */
      policy: z.object({ readPaths: z.array(workstationPathSchema).max(64) }).strict().optional(),
      /**
       * This version was sent to this workstation before and the marketplace sends it again on purpose
       * (Redeploy): the agent installs it afresh even while it runs this very version. Without it a
       * release of the version already running is refused (VERSION_NOT_NEWER). Older versions are
       * refused either way.
       */
      reinstall: z.literal(true).optional(),
    })
    .strict()
    .refine((statement) => Date.parse(statement.expiresAt) > Date.parse(statement.issuedAt), { message: 'expiresAt must be after issuedAt', path: ['expiresAt'] })
    .refine((statement) => Date.parse(statement.expiresAt) - Date.parse(statement.issuedAt) <= MAX_DELIVERY_LIFETIME_MS, {
      message: `a delivery statement may live at most ${MAX_DELIVERY_LIFETIME_MS / 86_400_000} days`,
      path: ['expiresAt'],
    }),
);

export type DeliveryStatement = z.infer<typeof deliveryStatementSchema>;
export type DeliveryStatementInput = z.input<typeof deliveryStatementSchema>;
export type DeliveryRecipient = z.infer<typeof deliveryRecipientSchema>;

export interface SignedDelivery {
  statement: DeliveryStatement;
  envelope: DsseEnvelope;
  /** The envelope as JSON text, the content of `fileName`. */
  json: string;
  /** `<name>-<version>.delivery.json` */
  fileName: string;
}

/** `<name>-<version>.delivery.json` */
export function deliveryFileName(app: string, version: string): string {
  return `${app}-${version}.delivery.json`;
}

/** Signs a delivery statement with the release key(s), like signRelease; `statement.keyId` must name the first key. */
export function signDelivery(statement: DeliveryStatementInput, releaseKey: PrivateKeyInput | PrivateKeyInput[]): SignedDelivery {
  const signed = signStatement('delivery', deliveryStatementSchema, statement, DELIVERY_PAYLOAD_TYPE, releaseKey);
  return { ...signed, fileName: deliveryFileName(signed.statement.app, signed.statement.version) };
}

/**
 * Whether a delivery statement asks for a reinstall of the version it names, read before it is
 * verified (to let the version check pass an equal version); the agent accepts the reinstall only
 * once verifyDelivery has accepted the same statement.
 */
export function deliveryAsksReinstall(json: string | undefined): boolean {
  if (!json) return false;
  const parsed = parseEnvelope(json, DEFAULT_LIMITS.maxEnvelopeBytes, DEFAULT_LIMITS.maxSignatures);
  if (!parsed.ok) return false;
  try {
    return (JSON.parse(parsed.payload.toString('utf8')) as { reinstall?: unknown } | null)?.reinstall === true;
  } catch {
    return false;
  }
}
