import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { hashResetToken } from '../src/modules/accounts/password-reset.js';
import { call, createTestApp, register, type Account, type TestApp } from './helper.js';

/** Change password (signed in) and reset by e-mail through the real mail hub. */
let t: TestApp;
let hub: MailHub;
let dataDir: string;
let admin: Account;
const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

async function resetLinkFor(address: string, before: number): Promise<string> {
  const dir = join(mailboxDirectory(dataDir, address), 'new');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const files = (await readdir(dir).catch(() => [] as string[])).sort();
    if (files.length > before) {
      const mail = await simpleParser(await readFile(join(dir, files.at(-1)!)));
      const link = /https?:\/\/\S+\/reset-password#token=([A-Za-z0-9_-]+)/.exec(mail.text ?? '');
      if (!link) throw new Error(`no reset link in: ${mail.text}`);
      return link[1]!;
    }
    if (Date.now() > deadline) throw new Error(`no mail for ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const mailCount = async (address: string) => (await readdir(join(mailboxDirectory(dataDir, address), 'new')).catch(() => [])).length;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'password-'));
  hub = await startMailHub({ dataDir, port: 0 });
  t = await createTestApp({ env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), SMTP_FROM: 'marketplace@marketplace.test', PUBLIC_URL: 'https://market.example.test' } });
  admin = await register(t.app, { password: 'first password 123' });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await hub?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('passwords', () => {
  it('changes my password only with the current one, and ends my other sessions', async () => {
    const other = (await login(admin.email, 'first password 123')).json();
    const wrong = await call(t.app, admin, { method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'not it at all', newPassword: 'second password 456' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('WRONG_PASSWORD');
    const weak = await call(t.app, admin, { method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'first password 123', newPassword: 'short' } });
    expect(weak.json().code).toBe('WEAK_PASSWORD');
    const changed = await call(t.app, admin, { method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'first password 123', newPassword: 'second password 456' } });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await login(admin.email, 'first password 123')).statusCode).toBe(401);
    expect((await login(admin.email, 'second password 456')).statusCode).toBe(200);
    // this session goes on, the other one ended
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    expect((await call(t.app, { token: other.token }, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('mails a one-time link, answers the same for an unknown address, and the link works once', async () => {
    const before = await mailCount(admin.email);
    const known = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: admin.email.toUpperCase() } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'nobody@nowhere.test' } });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual(known.json());
    const token = await resetLinkFor(admin.email, before);
    const confirm = (newPassword: string, value = token) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token: value, newPassword } });
    expect((await confirm('third password 789', `${token}x`)).json().code).toBe('RESET_LINK_INVALID');
    expect((await confirm('third password 789')).statusCode).toBe(204);
    expect((await login(admin.email, 'third password 789')).statusCode).toBe(200);
    // every session of the account ended with the reset
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const again = await confirm('fourth password 000');
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('RESET_LINK_INVALID');
    expect((await mailCount('nobody@nowhere.test'))).toBe(0);
  });

  it('refuses an expired link, and a link mailed before the password was changed', async () => {
    const account = await register(t.app, { password: 'fifth password 555' });
    const confirm = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, newPassword: 'taken over 12345' } });
    const ask = async () => {
      const before = await mailCount(account.email);
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: account.email } });
      return resetLinkFor(account.email, before);
    };
    // past its 30 minutes
    const expired = await ask();
    await (t.database.db as Db).updateTable('password_resets').set({ expires_at: new Date(Date.now() - 1000) }).where('token_hash', '=', hashResetToken(expired)).execute();
    expect((await confirm(expired)).json().code).toBe('RESET_LINK_INVALID');
    // asked for (by someone reading the mailbox), then the owner changes the password while signed in
    const stale = await ask();
    const changed = await call(t.app, account, { method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'fifth password 555', newPassword: 'sixth password 666' } });
    expect(changed.statusCode).toBe(204);
    expect((await confirm(stale)).json().code).toBe('RESET_LINK_INVALID');
    expect((await login(account.email, 'sixth password 666')).statusCode).toBe(200);
  });

  it('limits how often a reset can be asked for', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'someone@nowhere.test' } })).statusCode);
    expect(codes).toContain(429);
  });
});
