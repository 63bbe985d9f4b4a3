import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

describe('the page single sign-on returns to', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeReturnTo('/apps/42?tab=versions#latest')).toBe('/apps/42?tab=versions#latest');
    expect(safeReturnTo('/')).toBe('/');
  });

  it('sends every other destination to the home page', () => {
    for (const value of ['//evil.example', '//evil.example/path', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', 'evil.example', '/\tevil', '', undefined, 42, `/${'a'.repeat(2_001)}`]) {
      expect(safeReturnTo(value), String(value)).toBe('/');
    }
  });
});
