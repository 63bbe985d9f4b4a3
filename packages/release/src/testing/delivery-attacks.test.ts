import { describe, expect, it } from 'vitest';
import { signDelivery } from '../delivery-statement.js';
import { verifyDelivery } from '../verify-delivery.js';
import { verifyRelease } from '../verify-release.js';
import { createAttackContext } from './attack-context.js';
import { ATTACKED_AGENT, attackDeliveryStatement, DELIVERY_ATTACKS, type DeliveryAttackCase, validDelivery } from './delivery-attacks.js';

const ctx = createAttackContext();

async function check(attack: DeliveryAttackCase) {
  const release = await verifyRelease({ envelope: attack.envelope, bundle: attack.bundle, rootPublicKey: ctx.rootPublicKey, keyList: ctx.keyList, lastKeyListVersion: ctx.keyListVersion, expect: { org: ctx.org, app: ctx.app, deployedVersion: ctx.deployedVersion, policy: ctx.policy }, now: ctx.now, limits: ctx.limits });
  if (!release.ok) throw new Error(`the release under the delivery must be genuine: ${release.code}`);
  return verifyDelivery({
    envelope: attack.delivery,
    keyList: release.keyList,
    expect: { org: ctx.org, agentId: ATTACKED_AGENT.agentId, groupIds: ['engineering'], release: { app: ctx.app, version: ctx.nextVersion, sha256: attack.sha256 } },
    seen: (nonce) => attack.seenNonces.includes(nonce),
    now: ctx.now,
  });
}

describe('delivery statements', () => {
  it('accepts a genuine release delivered to this agent, by id or by group', async () => {
    const valid = await validDelivery(ctx);
    expect(await check(valid)).toMatchObject({ ok: true, statement: { recipient: { agentId: ATTACKED_AGENT.agentId }, nonce: 'nonce-of-a-genuine-delivery-0001' } });
    const delivery = signDelivery(attackDeliveryStatement(ctx, valid.sha256, { recipient: { groupId: 'engineering' } }), ctx.secrets.release).json;
    expect(await check({ ...valid, delivery })).toMatchObject({ ok: true });
  });

  it('will not sign a statement addressed to a mailbox, and refuses one naming this mailbox, saying why', async () => {
    const valid = await validDelivery(ctx);
    expect(() => signDelivery(attackDeliveryStatement(ctx, valid.sha256, { recipient: { mailbox: ATTACKED_AGENT.mailbox } } as never), ctx.secrets.release)).toThrow(/recipient/);
    const attack = DELIVERY_ATTACKS.find((entry) => entry.id === 'addressed-to-this-mailbox')!;
    const result = await check(await attack.build(ctx));
    expect(result).toMatchObject({ ok: false, code: 'DELIVERY_WRONG_AGENT', message: expect.stringContaining(`addressed to the mailbox ${ATTACKED_AGENT.mailbox}, not to an agent id`) });
  });

  it('refuses to sign a statement that lives longer than 31 days', () => {
    expect(() => signDelivery(attackDeliveryStatement(ctx, 'a'.repeat(64), { expiresAt: new Date(ctx.now.getTime() + 40 * 86_400_000).toISOString() }), ctx.secrets.release)).toThrow(/at most 31 days/);
  });

  it('has the workstation-binding attacks, each described', () => {
    expect(DELIVERY_ATTACKS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(DELIVERY_ATTACKS.map((attack) => attack.id)).size).toBe(DELIVERY_ATTACKS.length);
  });

  it.each(DELIVERY_ATTACKS.map((attack) => [attack.id, attack] as const))('%s is refused with its own code', async (_id, attack) => {
    const built = await attack.build(ctx);
    const result = await check(built);
    expect(result).toMatchObject({ ok: false, code: built.expectedCode });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(30);
  });
});
