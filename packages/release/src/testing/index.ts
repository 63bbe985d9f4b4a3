/**
 * `@marketplace/release/testing`: hostile inputs for the deploy agent's and the server's test
 * suites. Not for production code.
 */
export { ARCHIVE_ATTACKS } from './archive-attacks.js';
export type { AttackCase, AttackEntry } from './attack-case.js';
export { ATTACK_LIMITS, attackExpectations, attackManifest, attackStatement, createAttackContext, hoursFrom, signRaw } from './attack-context.js';
export type { AttackContext, AttackContextOptions } from './attack-context.js';
export { ATTACK_CORPUS } from './attack-corpus.js';
export { craftTarGz, gzipBytes } from './craft-tar-gz.js';
export type { CraftedBody, CraftedEntry, CraftOptions } from './craft-tar-gz.js';
export { attackBundle, attackCase, attackEnvelope, buildValidRelease } from './release-builders.js';
export { VERIFY_ATTACKS } from './verify-attacks.js';
export { ATTACKED_AGENT, attackDeliveryStatement, DELIVERY_ATTACKS, validDelivery } from './delivery-attacks.js';
export type { DeliveryAttackCase, DeliveryAttackEntry } from './delivery-attacks.js';
