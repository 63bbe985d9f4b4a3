import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { legacyBounceToken, readReturnPath, returnPathFor, returnPathIsGenuine } from './return-path.js';

const KEY = randomBytes(32);
const ORG = '0b7e2a52-6c1d-4f7e-9a3b-5d8c1e2f3a4b';
const OTHER_ORG = '1c8f3b63-7d2e-4a8f-8b4c-6e9d2f3a4b5c';
const ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';

describe('signed return paths (VERP)', () => {
  it('name the recipient row and prove the server made them for that organisation, whatever the case', () => {
    const path = returnPathFor('marketplace@acme.test', KEY, { orgId: ORG, recipientId: ID });
    expect(path).toMatch(/^marketplace\+b6f1c2d3e4b5a4c7d8e9f0a1b2c3d4e5f[0-9a-f]{16}@acme\.test$/);
    for (const address of [path, path.toUpperCase()]) {
      const read = readReturnPath(address)!;
      expect(read.recipientId).toBe(ID);
      expect(returnPathIsGenuine(KEY, ORG, read.recipientId, read.tag)).toBe(true);
    }
    const { tag } = readReturnPath(path)!;
    expect(returnPathIsGenuine(KEY, OTHER_ORG, ID, tag), 'another organisation’s mail').toBe(false);
    expect(returnPathIsGenuine(randomBytes(32), ORG, ID, tag), 'another server’s key').toBe(false);
    expect(returnPathIsGenuine(KEY, ORG, ID, `${tag.slice(0, 15)}${tag[15] === '0' ? '1' : '0'}`), 'one digit changed').toBe(false);
    expect(returnPathIsGenuine(KEY, ORG, ID, tag.slice(0, 12)), 'a shorter tag').toBe(false);
  });

  it('fall back to the plain address past 64 characters of local part; other addresses carry none', () => {
    const long = `${'x'.repeat(30)}@acme.test`;
    expect(returnPathFor(long, KEY, { orgId: ORG, recipientId: ID })).toBe(long);
    expect(readReturnPath('marketplace@acme.test')).toBeNull();
    expect(readReturnPath('marketplace+c0ffee@acme.test')).toBeNull();
    expect(readReturnPath(`marketplace+b${'a'.repeat(44)}@acme.test`), 'the 12-digit campaign form of before').toBeNull();
  });

  it('read the token of the old +bounce- form', () => {
    expect(legacyBounceToken('marketplace+bounce-0123456789abcdef01234567@acme.test')).toBe('0123456789abcdef01234567');
    expect(legacyBounceToken('marketplace+bounce-x@acme.test')).toBeNull();
  });
});
