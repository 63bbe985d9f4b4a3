import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTING_NAMES } from './config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', host: '127.0.0.1', port: 8000, dataDir: './data', databaseUrl: undefined, smtp: { listenPort: 2525 } });
    expect(Object.isFrozen(config.smtp)).toBe(true);
  });

  it('names every bad variable, its value and what is expected', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'mysql://x', SMTP_SECURE: 'maybe', JWT_SECRET: 'short' });
    expect(problems).toEqual(
      expect.arrayContaining([
        "PORT: expected a port number from 0 to 65535, got 'abc'",
        "DATABASE_URL: expected a URL starting with postgres: or postgresql:, got 'mysql:'",
        "SMTP_SECURE: expected true or false, got 'maybe'",
        expect.stringMatching(/^JWT_SECRET: expected at least 32 characters/),
      ]),
    );
  });

  it('opens the operations endpoint only when OPS_PORT is set, on HOST unless OPS_HOST says otherwise', () => {
    expect(loadConfig({}).ops).toBeUndefined();
    expect(loadConfig({ OPS_PORT: '' }).ops).toBeUndefined();
    expect(loadConfig({ HOST: '0.0.0.0', OPS_PORT: '9464' }).ops).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(loadConfig({ HOST: '0.0.0.0', OPS_PORT: '9464', OPS_HOST: '10.0.0.5' }).ops).toEqual({ host: '10.0.0.5', port: 9464 });
    expect(problemsOf({ OPS_PORT: '70000' })).toEqual(["OPS_PORT: expected a port number from 0 to 65535, got '70000'"]);
    expect(problemsOf({ OPS_PORT: '94 64' })).toEqual(["OPS_PORT: expected a port number from 0 to 65535, got '94 64'"]);
  });

  it('logs at warn in production and at info elsewhere unless LOG_LEVEL says otherwise', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production).logLevel).toBe('warn');
    expect(loadConfig({ ...production, LOG_LEVEL: '' }).logLevel).toBe('warn');
    expect(loadConfig({ ...production, LOG_LEVEL: 'info' }).logLevel).toBe('info');
    expect(loadConfig({}).logLevel).toBe('info');
    expect(problemsOf({ LOG_LEVEL: 'loud' })).toEqual([expect.stringMatching(/^LOG_LEVEL: /)]);
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([expect.stringMatching(/^TRUST_PROXY: 'true' would believe whatever address any client claims; give the number of proxies/)]);
    expect(problemsOf({ TRUST_PROXY: '0' })).toEqual([expect.stringMatching(/^TRUST_PROXY: expected 1 to 10 proxies/)]);
    expect(problemsOf({ TRUST_PROXY: '10.0.0.0/33' })).toEqual([expect.stringMatching(/^TRUST_PROXY: expected a number of proxies .* got '10.0.0.0\/33'/)]);
    expect(problemsOf({ TRUST_PROXY: 'loopback,proxy.example.com' })).toEqual([expect.stringMatching(/got 'proxy.example.com'/)]);
  });

  it('never shows a database password in an error', () => {
    expect(problemsOf({ DATABASE_URL: 'not a url with secret:hunter2@' }).join('\n')).not.toContain('hunter2');
  });

  it('refuses production without JWT_SECRET, and half a DKIM setup', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^JWT_SECRET: required when NODE_ENV=production/)]);
    expect(problemsOf({ DKIM_DOMAIN: 'acme.test' })).toEqual([expect.stringMatching(/DKIM_PRIVATE_KEY_FILE: set all three/)]);
    const dkim = { DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: '/keys/dkim.pem' };
    expect(problemsOf({ ...dkim, SMTP_FROM: 'Marketplace <mp@mail.acme.test>', DKIM_DOMAIN: 'acme.test' })).toEqual([]);
    expect(problemsOf({ ...dkim, SMTP_FROM: 'mp@acme.test', DKIM_DOMAIN: 'other.test' })).toEqual(["DKIM_DOMAIN: must be the domain of SMTP_FROM (acme.test) or a parent of it, or receivers' DMARC checks fail; got 'other.test'"]);
  });

  it('refuses half a single sign-on setup and a plain-http identity provider in production', () => {
    expect(problemsOf({ OIDC_ISSUER: 'https://login.acme.test' })).toEqual([expect.stringMatching(/^CLIENT_ID: required when OIDC_ISSUER is set/)]);
    expect(problemsOf({ OIDC_ORGANIZATION: 'acme' })).toEqual([expect.stringMatching(/^OIDC_ORGANIZATION: only used for single sign-on/)]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), OIDC_ISSUER: 'http://login.acme.test', CLIENT_ID: 'marketplace' })).toEqual([expect.stringMatching(/^OIDC_ISSUER: expected an https:\/\/ URL in production/)]);
    expect(loadConfig({ OIDC_ISSUER: 'https://login.acme.test', CLIENT_ID: 'marketplace' }).oidc).toMatchObject({ name: 'Single sign-on', organization: undefined });
  });

  it('documents every setting in .env.example', () => {
    const example = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');
    expect(SETTING_NAMES.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example))).toEqual([]);
  });

  it('reads the mail hub limits, with 0 turning a rate limit off, and refuses bad ones', () => {
    expect(loadConfig({}).mailHub).toEqual({ host: '127.0.0.1', port: 2525, hostSet: false, mailboxes: [], maxMessageBytes: 41_943_040, mailboxQuotaBytes: 2_147_483_648, connectionsPerMinutePerClient: 6000, messagesPerMinutePerClient: 6000, messagesPerMinutePerSender: 1200, greetingDelayMs: 0 });
    expect(loadConfig({ MAIL_HUB_MAILBOXES: ' Support@Acme.test, ops@acme.test ', MAIL_HUB_MESSAGES_PER_MINUTE_PER_SENDER: '0', MAIL_HUB_GREETING_DELAY_MS: '100' }).mailHub).toMatchObject({ mailboxes: ['support@acme.test', 'ops@acme.test'], messagesPerMinutePerSender: 0, greetingDelayMs: 100 });
    expect(problemsOf({ MAIL_HUB_MAILBOXES: 'ok@acme.test,../x@acme.test', MAIL_HUB_GREETING_DELAY_MS: '-5', MAIL_HUB_MAX_MESSAGE_BYTES: '0' })).toEqual([
      expect.stringMatching(/^MAIL_HUB_MAILBOXES: expected plain addresses separated by commas .*got '\.\.\/x@acme\.test'/),
      "MAIL_HUB_MAX_MESSAGE_BYTES: expected a whole number from 1 to 1073741824, got '0'",
      "MAIL_HUB_GREETING_DELAY_MS: expected a whole number from 0 (off) to 60000, got '-5'",
    ]);
  });

  it('offers Gmail only with both OAuth client settings, defaults to Google\'s endpoints, and sends through it only when asked', () => {
    expect(loadConfig({}).gmail).toBeUndefined();
    expect(loadConfig({}).mailTransport).toBe('smtp');
    const gmail = loadConfig({ GMAIL_CLIENT_ID: 'id.apps.googleusercontent.com', GMAIL_CLIENT_SECRET: 'GOCSPX-x', MAIL_TRANSPORT: 'gmail' });
    expect(gmail.gmail).toEqual({ clientId: 'id.apps.googleusercontent.com', clientSecret: 'GOCSPX-x', apiUrl: 'https://gmail.googleapis.com', authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.googleapis.com/token', revocationUrl: 'https://oauth2.googleapis.com/revoke' });
    expect(gmail.mailTransport).toBe('gmail');
    expect(problemsOf({ GMAIL_CLIENT_ID: 'id' })).toEqual([expect.stringMatching(/^GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET: set both/)]);
    expect(problemsOf({ MAIL_TRANSPORT: 'gmail' })).toEqual([expect.stringMatching(/^MAIL_TRANSPORT: 'gmail' needs GMAIL_CLIENT_ID/)]);
    expect(problemsOf({ MAIL_TRANSPORT: 'pigeon' })).toEqual(["MAIL_TRANSPORT: expected 'smtp' or 'gmail'"]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), GMAIL_CLIENT_ID: 'id', GMAIL_CLIENT_SECRET: 's', GOOGLE_TOKEN_URL: 'http://127.0.0.1:9/token' })).toEqual(["GOOGLE_TOKEN_URL: expected an https:// URL in production, got 'http://127.0.0.1:9/token'"]);
  });
});
