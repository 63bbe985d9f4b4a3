import { describe, expect, it } from 'vitest';
import { mailboxDirectory, safeMailboxName } from './safe-address.js';

describe('safe mailbox names', () => {
  it('accepts plain addresses, lower-cased', () => {
    expect(safeMailboxName('Dana.Lee+ws1@Acme.Example')).toBe('dana.lee+ws1@acme.example');
    expect(mailboxDirectory('/srv/data', 'agent@ws-1.acme.example')).toBe('/srv/data/mail/agent@ws-1.acme.example');
  });

  it('refuses anything a path could be built from', () => {
    for (const address of ['../x@acme.example', '..@acme.example', 'a/b@acme.example', 'a\\b@acme.example', 'a@b/../c', '.x@acme.example', 'x.@acme.example', 'a\0b@acme.example', '@acme.example', 'nobody', 'x@-acme.example', `${'a'.repeat(65)}@acme.example`, 'a b@acme.example']) {
      expect(safeMailboxName(address), address).toBeNull();
      expect(() => mailboxDirectory('/srv/data', address)).toThrow(/cannot be a mailbox/);
    }
  });
});
