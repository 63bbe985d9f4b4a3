import { createHash, type KeyObject } from 'node:crypto';
import { DELIVERY_PAYLOAD_TYPE, DELIVERY_STATEMENT_TYPE, type DeliveryStatementInput, signDelivery } from '../delivery-statement.js';
import { keyIdOf } from '../keys.js';
import type { DeliveryFailureCode } from '../verify-delivery.js';
import { type AttackContext, hoursFrom, signRaw } from './attack-context.js';
import { attackBundle, attackEnvelope } from './release-builders.js';

/** The agent every delivery attack is aimed at (pass it as `expect.agentId`). */
export const ATTACKED_AGENT = { agentId: 'agent-under-attack', mailbox: 'agent-under-attack@agents.example' } as const;

/** A genuine release plus a crafted delivery statement (or none), and the refusal it must meet. */
export interface DeliveryAttackCase {
  envelope: string;
  bundle: Buffer;
  sha256: string;
  /** The `.delivery.json` content; undefined: the mail carries none. */
  delivery: string | undefined;
  /** Nonces the agent has already used before this delivery arrives. */
  seenNonces: string[];
  expectedCode: DeliveryFailureCode;
}

export interface DeliveryAttackEntry {
  id: string;
  description: string;
  build(ctx: AttackContext): Promise<DeliveryAttackCase>;
}

/** The statement the server signs for the attacked agent and the context's next version, with parts replaced. */
export function attackDeliveryStatement(ctx: AttackContext, sha256: string, overrides: Partial<DeliveryStatementInput> = {}, key: KeyObject = ctx.secrets.release): DeliveryStatementInput {
  return {
    _type: DELIVERY_STATEMENT_TYPE,
    org: ctx.org,
    recipient: { agentId: ATTACKED_AGENT.agentId },
    app: ctx.app,
    version: ctx.nextVersion,
    bundleSha256: sha256,
    nonce: 'nonce-of-a-genuine-delivery-0001',
    issuedAt: hoursFrom(ctx.now, -1).toISOString(),
    expiresAt: hoursFrom(ctx.now, 71).toISOString(),
    keyId: keyIdOf(key),
    ...overrides,
  };
}

async function deliveryCase(ctx: AttackContext, expectedCode: DeliveryFailureCode, delivery: (sha256: string) => string | undefined, seenNonces: string[] = []): Promise<DeliveryAttackCase> {
  const bundle = await attackBundle(ctx);
  const sha256 = createHash('sha256').update(bundle).digest('hex');
  return { envelope: attackEnvelope(ctx, bundle), bundle, sha256, delivery: delivery(sha256), seenNonces, expectedCode };
}

const signed = (ctx: AttackContext, overrides: Partial<DeliveryStatementInput> = {}, key: KeyObject = ctx.secrets.release) => (sha256: string) =>
  signDelivery(attackDeliveryStatement(ctx, sha256, overrides, key), key).json;

/** A valid release with a valid delivery statement for the attacked agent: what each attack varies. */
export function validDelivery(ctx: AttackContext): Promise<DeliveryAttackCase> {
  return deliveryCase(ctx, 'DELIVERY_MISSING', signed(ctx));
}

/** Genuine, correctly signed releases delivered where or when they were not meant to be. */
export const DELIVERY_ATTACKS: DeliveryAttackEntry[] = [
  { id: 'delivery-missing', description: 'A genuine signed release mailed without any delivery statement (anyone who downloaded it can send it).', build: (ctx) => deliveryCase(ctx, 'DELIVERY_MISSING', () => undefined) },
  { id: 'another-agents-delivery', description: "The release and delivery statement sent to another agent, forwarded to this one.", build: (ctx) => deliveryCase(ctx, 'DELIVERY_WRONG_AGENT', signed(ctx, { recipient: { agentId: 'another-agent' } })) },
  {
    id: 'this-mailbox-another-agent-id',
    description: 'A delivery signed for the agent that read this mailbox before it was revoked (the address was given to this agent): right mailbox, another agent id.',
    build: (ctx) => deliveryCase(ctx, 'DELIVERY_WRONG_AGENT', signed(ctx, { recipient: { agentId: 'agent-that-had-this-mailbox' } })),
  },
  {
    id: 'addressed-to-this-mailbox',
    description: "A correctly signed statement naming this agent's mailbox instead of its agent id (a mailbox can pass to another workstation).",
    build: (ctx) =>
      deliveryCase(ctx, 'DELIVERY_WRONG_AGENT', (sha256) => JSON.stringify(signRaw({ ...attackDeliveryStatement(ctx, sha256), recipient: { mailbox: ATTACKED_AGENT.mailbox } }, [ctx.secrets.release], DELIVERY_PAYLOAD_TYPE))),
  },
  { id: 'another-group', description: 'A delivery for a group this agent is not a member of.', build: (ctx) => deliveryCase(ctx, 'DELIVERY_WRONG_AGENT', signed(ctx, { recipient: { groupId: 'finance' } })) },
  { id: 'another-organisation', description: "A delivery for this agent's id, issued under another organisation's name.", build: (ctx) => deliveryCase(ctx, 'DELIVERY_WRONG_AGENT', signed(ctx, { org: 'other-org' })) },
  {
    id: 'expired-delivery',
    description: 'A delivery statement that expired an hour ago (a mail kept back and sent later).',
    build: (ctx) => deliveryCase(ctx, 'DELIVERY_EXPIRED', signed(ctx, { issuedAt: hoursFrom(ctx.now, -73).toISOString(), expiresAt: hoursFrom(ctx.now, -1).toISOString() })),
  },
  { id: 'replayed-delivery', description: 'A copy of a delivery the agent already used (after the app was removed, to put it back).', build: (ctx) => deliveryCase(ctx, 'DELIVERY_REPLAYED', signed(ctx), ['nonce-of-a-genuine-delivery-0001']) },
  { id: 'delivery-for-another-version', description: "The delivery statement of version 1.0.0 attached to 1.1.0's release.", build: (ctx) => deliveryCase(ctx, 'DELIVERY_MISMATCH', signed(ctx, { version: '1.0.0' })) },
  { id: 'delivery-for-another-bundle', description: 'A delivery statement naming another bundle hash than the release.', build: (ctx) => deliveryCase(ctx, 'DELIVERY_MISMATCH', signed(ctx, { bundleSha256: 'f'.repeat(64) })) },
  { id: 'delivery-signed-by-stranger', description: 'A delivery statement signed by a key the organisation never listed.', build: (ctx) => deliveryCase(ctx, 'DELIVERY_BAD_SIGNATURE', signed(ctx, {}, ctx.secrets.stranger)) },
  { id: 'delivery-signed-by-revoked-key', description: 'A delivery statement signed by a revoked release key.', build: (ctx) => deliveryCase(ctx, 'DELIVERY_BAD_SIGNATURE', signed(ctx, {}, ctx.secrets.revokedRelease)) },
  {
    id: 'delivery-recipient-edited',
    description: "Another agent's delivery with the recipient edited to this agent after signing.",
    build: (ctx) =>
      deliveryCase(ctx, 'DELIVERY_BAD_SIGNATURE', (sha256) => {
        const envelope = JSON.parse(signed(ctx, { recipient: { agentId: 'another-agent' } })(sha256));
        const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
        statement.recipient = { agentId: ATTACKED_AGENT.agentId };
        return JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') });
      }),
  },
  { id: 'release-envelope-as-delivery', description: 'The release envelope itself passed off as the delivery statement.', build: (ctx) => deliveryCase(ctx, 'DELIVERY_MALFORMED', () => undefined).then((c) => ({ ...c, delivery: c.envelope })) },
  {
    id: 'delivery-valid-for-a-year',
    description: 'A correctly signed statement that claims to stay valid for a year (agents only remember nonces for 31 days).',
    build: (ctx) => deliveryCase(ctx, 'DELIVERY_MALFORMED', (sha256) => JSON.stringify(signRaw(attackDeliveryStatement(ctx, sha256, { expiresAt: hoursFrom(ctx.now, 365 * 24).toISOString() }), [ctx.secrets.release], DELIVERY_PAYLOAD_TYPE))),
  },
];
