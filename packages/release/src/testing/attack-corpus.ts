import { ARCHIVE_ATTACKS } from './archive-attacks.js';
import type { AttackEntry } from './attack-case.js';
import { VERIFY_ATTACKS } from './verify-attacks.js';

/**
 * Every crafted attack, each with the code it must be refused with. Typical use in an agent test:
 *
 *   const ctx = createAttackContext();
 *   for (const attack of ATTACK_CORPUS) {
 *     const c = await attack.build(ctx);
 *     // deliver c.envelope + c.bundle with c.keyList; expect a rejection with c.expectedCode
 *   }
 */
export const ATTACK_CORPUS: readonly AttackEntry[] = Object.freeze([...VERIFY_ATTACKS, ...ARCHIVE_ATTACKS]);
