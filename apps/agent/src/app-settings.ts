import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppManifest } from '@marketplace/release';
import { AgentError } from './agent-error.js';

/**
 * Settings an app declares in app.json `env`, kept per app in `<home>/settings/<app>.json` (0600)
 * across versions. A required secret the user never set (an API key the app checks callers
 * against) is generated once, so the app starts safely closed; a required setting that is not a
 * secret cannot be guessed, and the deployment stops with how to set it.
 */
export function settingsFile(root: string, app: string): string {
  return join(root, 'settings', `${app}.json`);
}

export function readAppSettings(root: string, app: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(settingsFile(root, app), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {};
  } catch {
    return {};
  }
}

export function writeAppSettings(root: string, app: string, settings: Record<string, string>): void {
  mkdirSync(join(root, 'settings'), { recursive: true, mode: 0o700 });
  writeFileSync(settingsFile(root, app), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}

/** The declared settings to give the app, generating required secrets on first use. */
export function resolveAppSettings(root: string, manifest: AppManifest): Record<string, string> {
  const declared = manifest.env ?? [];
  if (!declared.length) return {};
  const stored = readAppSettings(root, manifest.name);
  let changed = false;
  const result: Record<string, string> = {};
  for (const setting of declared) {
    let value = stored[setting.name];
    if (value === undefined && setting.required) {
      if (!setting.secret) {
        throw new AgentError('SETTING_REQUIRED', `${manifest.name} needs the setting ${setting.name} (${setting.description}). Set it with: marketplace-agent settings ${manifest.name} ${setting.name}=<value>, then send the release again or run: marketplace-agent rollback/remove.`);
      }
      value = randomBytes(24).toString('base64url');
      stored[setting.name] = value;
      changed = true;
    }
    if (value !== undefined) result[setting.name] = value;
  }
  if (changed) writeAppSettings(root, manifest.name, stored);
  return result;
}
