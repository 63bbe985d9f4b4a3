import { createHash, randomInt } from 'node:crypto';

// Crockford-style alphabet: no I, L, O, U, so a code read aloud or typed is hard to get wrong.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** A one-time enrolment code such as `7KQ2-M9XD-4TRB` (60 bits). */
export function newEnrollmentCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g += 1) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i += 1) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** Upper-case, dashes and spaces dropped, and the look-alikes people type (O→0, I/L→1) mapped back. */
export function normalizeEnrollmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function hashEnrollmentCode(code: string): string {
  return createHash('sha256').update(`marketplace-enrollment:${normalizeEnrollmentCode(code)}`).digest('hex');
}
