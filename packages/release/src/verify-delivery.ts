import { checkSignatures } from './check-signatures.js';
import { type DeliveryStatement, deliveryStatementSchema, DELIVERY_PAYLOAD_TYPE } from './delivery-statement.js';
import { parseEnvelope } from './dsse.js';
import { failure, type Failure } from './errors.js';
import type { KeyList } from './key-list.js';
import { type ReleaseLimits, resolveLimits } from './limits.js';

export type DeliveryFailureCode =
  | 'DELIVERY_MISSING'
  | 'DELIVERY_MALFORMED'
  | 'DELIVERY_BAD_SIGNATURE'
  | 'DELIVERY_WRONG_AGENT'
  | 'DELIVERY_EXPIRED'
  | 'DELIVERY_REPLAYED'
  | 'DELIVERY_MISMATCH';

export interface DeliveryExpectations {
  org: string;
  /** This agent's enrolment id: the only individual recipient a statement may name. */
  agentId: string;
  /** Groups this agent is configured as a member of. */
  groupIds?: readonly string[];
  /** The verified release the statement must name. */
  release: { app: string; version: string; sha256: string };
}

export interface VerifyDeliveryInput {
  /** `<name>-<version>.delivery.json`: the DSSE envelope JSON; absent when the mail carried none. */
  envelope: string | Buffer | undefined | null;
  /** The key list already verified against the pinned root (verifyRelease's `keyList`). */
  keyList: KeyList;
  expect: DeliveryExpectations;
  /** Whether this nonce was already used for a delivery on this agent. */
  seen?: (nonce: string) => boolean | Promise<boolean>;
  now?: Date;
  limits?: Partial<ReleaseLimits>;
}

export type VerifyDeliveryResult = { ok: true; statement: DeliveryStatement; keyId: string } | Failure<DeliveryFailureCode>;

const ASK = 'Ask the marketplace to send the release to this workstation again; to install it yourself, use: marketplace-agent install <release.json> --bundle <tgz>.';

/**
 * Checks that a verified release was meant for this agent: the delivery statement is signed under
 * the organisation's key list, names this agent's id (or one of its groups), this release's app,
 * version and bundle hash, has not expired and carries a nonce not seen before. Checking the nonce
 * does not record it: the caller does that once it accepts the delivery.
 */
export async function verifyDelivery(input: VerifyDeliveryInput): Promise<VerifyDeliveryResult> {
  const limits = resolveLimits(input.limits);
  const now = input.now ?? new Date();
  const { release } = input.expect;
  const named = `${release.app} ${release.version}`;
  if (input.envelope === undefined || input.envelope === null || input.envelope.length === 0) {
    return failure('DELIVERY_MISSING', `The release ${named} came without a delivery statement naming this workstation, so nobody sent it here on purpose. ${ASK}`);
  }
  const parsed = parseEnvelope(input.envelope, limits.maxEnvelopeBytes, limits.maxSignatures);
  if (!parsed.ok) return failure('DELIVERY_MALFORMED', `The delivery statement of ${named} is not a signed document: ${parsed.reason}. ${ASK}`);
  if (parsed.envelope.payloadType !== DELIVERY_PAYLOAD_TYPE) {
    return failure('DELIVERY_MALFORMED', `The delivery file of ${named} holds a "${parsed.envelope.payloadType.slice(0, 100)}" document, not a delivery statement (${DELIVERY_PAYLOAD_TYPE}). ${ASK}`);
  }
  const signers = checkSignatures(DELIVERY_PAYLOAD_TYPE, parsed.payload, parsed.envelope.signatures, input.keyList, 'delivery statement');
  if (!signers.ok) return failure('DELIVERY_BAD_SIGNATURE', `${signers.message} (${signers.code})`);

  let statement: DeliveryStatement;
  try {
    const payload: unknown = JSON.parse(parsed.payload.toString('utf8'));
    const mailbox = addressedMailbox(payload);
    if (mailbox !== null) {
      return failure('DELIVERY_WRONG_AGENT', `The delivery statement of ${named} is addressed to the mailbox ${mailbox}, not to an agent id; this workstation (agent ${input.expect.agentId}) accepts only deliveries naming its own id or one of its groups, because a mailbox can pass to another workstation. ${ASK}`);
    }
    const result = deliveryStatementSchema.safeParse(payload);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return failure('DELIVERY_MALFORMED', `The signed delivery statement of ${named} is invalid: ${issue.path.join('.') || '(root)'} ${issue.message}. ${ASK}`);
    }
    statement = result.data;
  } catch {
    return failure('DELIVERY_MALFORMED', `The signed delivery statement of ${named} is not JSON. ${ASK}`);
  }
  if (!signers.keyIds.includes(statement.keyId)) {
    return failure('DELIVERY_BAD_SIGNATURE', `The delivery statement of ${named} names key ${statement.keyId.slice(0, 12)} but is signed by another key. ${ASK}`);
  }
  const recipient = statement.recipient;
  const forUs =
    statement.org === input.expect.org &&
    statement.org === input.keyList.org &&
    (('agentId' in recipient && recipient.agentId === input.expect.agentId) ||
      ('groupId' in recipient && (input.expect.groupIds ?? []).includes(recipient.groupId)));
  if (!forUs) {
    const to = 'agentId' in recipient ? `agent ${recipient.agentId}` : `group ${recipient.groupId}`;
    return failure('DELIVERY_WRONG_AGENT', `The release ${named} was delivered to ${to} of organisation "${statement.org}", not to this workstation (agent ${input.expect.agentId}). It was forwarded or replayed here; it is not installed.`);
  }
  if (statement.app !== release.app || statement.version !== release.version || statement.bundleSha256 !== release.sha256) {
    return failure('DELIVERY_MISMATCH', `The delivery statement names ${statement.app} ${statement.version} (bundle ${statement.bundleSha256.slice(0, 12)}…), but the release is ${named} (bundle ${release.sha256.slice(0, 12)}…). ${ASK}`);
  }
  if (Date.parse(statement.expiresAt) <= now.getTime()) {
    return failure('DELIVERY_EXPIRED', `The delivery of ${named} expired at ${statement.expiresAt}. ${ASK}`);
  }
  if (input.seen && (await input.seen(statement.nonce))) {
    return failure('DELIVERY_REPLAYED', `The delivery of ${named} (nonce ${statement.nonce}) was already used on this workstation; a copy of an earlier mail is not installed again. ${ASK}`);
  }
  return { ok: true, statement, keyId: signers.keyIds[0]! };
}

/** The mailbox a statement's recipient names instead of an agent id or group (older statements did), else null. */
function addressedMailbox(payload: unknown): string | null {
  const recipient = (payload as { recipient?: unknown } | null)?.recipient;
  if (typeof recipient !== 'object' || recipient === null || !('mailbox' in recipient)) return null;
  return String((recipient as { mailbox: unknown }).mailbox).slice(0, 254);
}
