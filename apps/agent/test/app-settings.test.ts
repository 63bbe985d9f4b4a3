import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppManifest } from '@marketplace/release';
import { readAppSettings, resolveAppSettings, writeAppSettings } from '../src/app-settings.js';

const root = mkdtempSync(join(tmpdir(), 'agent-settings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const manifest = (env: AppManifest['env']) => ({ name: 'tracker', version: '1.0.0', env }) as AppManifest;

describe('app settings', () => {
  it('generates a required secret once, keeps it private, and reuses it for the next version', () => {
    const first = resolveAppSettings(root, manifest([{ name: 'API_KEY', description: 'callers send it', required: true, secret: true }]));
    expect(first.API_KEY).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(join(root, 'settings', 'tracker.json')).mode & 0o777).toBe(0o600);
    const next = resolveAppSettings(root, { ...manifest([{ name: 'API_KEY', description: 'callers send it', required: true, secret: true }]), version: '1.1.0' });
    expect(next.API_KEY).toBe(first.API_KEY);
  });

  it('stops with how to set a required setting it cannot guess, and passes only declared names', () => {
    expect(() => resolveAppSettings(root, manifest([{ name: 'SMTP_HOST', description: 'mail relay', required: true, secret: false }]))).toThrow(/marketplace-agent settings tracker SMTP_HOST=/);
    writeAppSettings(root, 'tracker', { ...readAppSettings(root, 'tracker'), SMTP_HOST: 'mail.acme.test', UNDECLARED: 'x' });
    expect(resolveAppSettings(root, manifest([{ name: 'SMTP_HOST', description: 'mail relay', required: true, secret: false }]))).toEqual({ SMTP_HOST: 'mail.acme.test' });
  });
});
