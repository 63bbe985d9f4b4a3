import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { roleSettingProblems } from './role-settings.js';

const shared = { DATABASE_URL: 'postgres://marketplace@db:5432/marketplace', JWT_SECRET: 'x'.repeat(40), REDIS_URL: 'redis://redis:6379', ROOT_KEY_PASSPHRASE: 'a long root key passphrase' };

describe('settings each role needs before it starts', () => {
  it('lets one all-in-one process run on embedded defaults', () => {
    expect(roleSettingProblems('all', loadConfig({}))).toEqual([]);
  });

  it('names every shared setting a split role is missing', () => {
    const problems = roleSettingProblems('worker', loadConfig({}));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'ROOT_KEY_PASSPHRASE or ROOT_KEY_FILE', 'SMTP_HOST or MAIL_HUB_HOST']);
    expect(problems.every((p) => p.includes('--role worker'))).toBe(true);
  });

  it('asks the signing passphrase of an all-in-one process in production', () => {
    expect(roleSettingProblems('all', loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }))).toEqual([expect.stringMatching(/^ROOT_KEY_PASSPHRASE or ROOT_KEY_FILE: required when NODE_ENV=production/)]);
  });

  it('starts api and worker with the shared settings and a mail target, smtp without a relay', () => {
    expect(roleSettingProblems('api', loadConfig({ ...shared, MAIL_HUB_HOST: 'smtp' }))).toEqual([]);
    expect(roleSettingProblems('worker', loadConfig({ ...shared, SMTP_HOST: 'relay.acme.test' }))).toEqual([]);
    expect(roleSettingProblems('smtp', loadConfig(shared))).toEqual([]);
    // MAIL_TRANSPORT=gmail: the process sends through the Gmail API, no relay or hub to name.
    expect(roleSettingProblems('worker', loadConfig({ ...shared, GMAIL_CLIENT_ID: 'id', GMAIL_CLIENT_SECRET: 's', MAIL_TRANSPORT: 'gmail' }))).toEqual([]);
    expect(roleSettingProblems('api', loadConfig(shared))).toEqual([expect.stringMatching(/^SMTP_HOST or MAIL_HUB_HOST: required for --role api/)]);
    expect(roleSettingProblems('smtp', loadConfig({ ...shared, SMTP_HOST: 'relay.acme.test' }))).toEqual([expect.stringMatching(/^SMTP_HOST: leave it empty for --role smtp/)]);
  });

  it('sends mail to the hub named by MAIL_HUB_HOST and MAIL_HUB_PORT, else this machine on SMTP_LISTEN_PORT', () => {
    expect(loadConfig({ SMTP_LISTEN_PORT: '2600' }).mailHub).toMatchObject({ host: '127.0.0.1', port: 2600, hostSet: false });
    expect(loadConfig({ MAIL_HUB_HOST: 'smtp.internal', MAIL_HUB_PORT: '2526' }).mailHub).toMatchObject({ host: 'smtp.internal', port: 2526, hostSet: true });
    expect(() => loadConfig({ MAIL_HUB_PORT: 'seventy' })).toThrow(/MAIL_HUB_PORT: expected a port number from 1 to 65535, got 'seventy'/);
  });
});
