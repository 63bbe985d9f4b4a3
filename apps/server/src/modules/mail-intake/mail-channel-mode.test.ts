import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { mailChannelMode } from './mail-channel-mode.js';

const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };

describe('the mail channel’s sender proof mode', () => {
  it('refuses production without DKIM checks unless MAIL_ALLOW_UNVERIFIED_SENDERS=true, and says which mode is on', () => {
    expect(() => mailChannelMode(loadConfig(prod))).toThrow(/MAIL_VERIFY_AUTH.*MAIL_ALLOW_UNVERIFIED_SENDERS=true/s);
    expect(mailChannelMode(loadConfig({ ...prod, MAIL_ALLOW_UNVERIFIED_SENDERS: 'true' }))).toBe('reply-address-or-confirmation');
    expect(mailChannelMode(loadConfig({ ...prod, MAIL_VERIFY_AUTH: 'true' }))).toBe('dkim');
    // Development and tests keep the embedded defaults working.
    expect(mailChannelMode(loadConfig({}))).toBe('reply-address-or-confirmation');
  });
});
