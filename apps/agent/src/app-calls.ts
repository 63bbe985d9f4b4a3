import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AppManifest } from '@marketplace/release';
import type { HomeLayout } from './agent-home.js';
import { readJson, writeJsonAtomic } from './json-file.js';

/** `state/app-calls.json`: the key the apps' tokens are derived from, and the loopback port the agent listens on for them. */
export interface AppCallsState {
  key: string;
  port: number;
}

const mac = (key: string, app: string, version: string) => createHmac('sha256', Buffer.from(key, 'base64url')).update(`marketplace-app-call\n${app}\n${version}`).digest('base64url');

/**
 * The token one deployed version calls its agent with: `app:version:mac`. Derived (not stored), so an
 * app the agent adopts after a restart keeps working; bound to the app and version, so an app cannot
 * call as another one, and worthless on another workstation (the key never leaves this agent's home).
 */
export const appToken = (key: string, app: string, version: string) => `${app}:${version}:${mac(key, app, version)}`;

/** The app and version a token names, when its mac is right; null otherwise. */
export function verifyAppToken(key: string, token: string): { app: string; version: string } | null {
  const parts = token.split(':');
  if (parts.length !== 3) return null;
  const [app, version, given] = parts as [string, string, string];
  const expected = Buffer.from(mac(key, app, version));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? { app, version } : null;
}

/** Reads the state, creating the key on first use; the port is the last one listened on (0: none yet). */
export async function ensureAppCallsState(layout: HomeLayout): Promise<AppCallsState> {
  const existing = await readJson<AppCallsState>(layout.appCalls);
  if (existing?.key) return existing;
  const state = { key: randomBytes(32).toString('base64url'), port: 0 };
  await writeJsonAtomic(layout.appCalls, state);
  return state;
}

export const saveAppCallsState = (layout: HomeLayout, state: AppCallsState) => writeJsonAtomic(layout.appCalls, state);

/**
 * The variables an app that declares MCP tools (app.json `permissions.mcpTools`) gets to call them
 * through its agent; nothing for any other app, or before the agent has listened once.
 */
export function appCallSettings(layout: HomeLayout, manifest: AppManifest): Record<string, string> {
  if (!manifest.permissions?.mcpTools) return {};
  let state: AppCallsState;
  try {
    state = JSON.parse(readFileSync(layout.appCalls, 'utf8')) as AppCallsState;
  } catch {
    return {};
  }
  if (!state.key || !state.port) return {};
  return { MARKETPLACE_AGENT_URL: `http://127.0.0.1:${state.port}`, MARKETPLACE_APP_TOKEN: appToken(state.key, manifest.name, manifest.version) };
}
