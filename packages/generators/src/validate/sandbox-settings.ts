import { join } from 'node:path';
import type { AppManifest } from '@marketplace/release';
import { FIXTURE_PREFIX } from './sandbox-plan.js';

interface KindFixtures {
  settings?: Record<string, string>;
  sources?: { setting: string; path?: string; file?: { name: string; content: string }; workstation?: boolean }[];
  webhookSettings?: string[];
  input?: { name: string; content: string; workstation?: boolean };
}

export interface SandboxFile {
  /** Absolute path to write. */
  path: string;
  content: string;
}

/**
 * The environment of the app in the sandbox: only variables the manifest declares (given
 * fixture values: the test API key, sources on the loopback fixture server or in the data
 * directory, webhooks to the fixture server; the agent's URL for an app that declares MCP tools) plus PORT, APP_DATA_DIR (as the deploy agent sets it), NODE_ENV and TZ.
 * A file the app reads on the workstation (app.json `permissions.readPaths`) never exists here: a
 * generated sample with the declared columns stands in its place, in `workstationDir`, and the
 * app's setting names it. Also returns the files to write first (absolute paths).
 */
export function sandboxSettings(manifest: AppManifest, fixtures: KindFixtures, dirs: { dataDir: string; workstationDir: string }): { env: Record<string, string>; files: SandboxFile[] } {
  const declared = new Set(manifest.env.map((variable) => variable.name));
  const values: Record<string, string> = { ...fixtures.settings, HOST: '127.0.0.1' };
  const files: SandboxFile[] = [];
  const place = (file: { name: string; content: string }, workstation: boolean | undefined): string => {
    const path = join(workstation ? dirs.workstationDir : dirs.dataDir, file.name);
    files.push({ path, content: file.content });
    return workstation ? path : file.name;
  };
  for (const source of fixtures.sources ?? []) {
    if (source.file) {
      values[source.setting] = place(source.file, source.workstation);
    } else if (source.path) {
      values[source.setting] = FIXTURE_PREFIX + source.path;
    }
  }
  for (const setting of fixtures.webhookSettings ?? []) values[setting] = `${FIXTURE_PREFIX}/hook`;
  if (fixtures.input) values.INPUT = place(fixtures.input, fixtures.input.workstation);
  const env = Object.fromEntries(Object.entries(values).filter(([name]) => declared.has(name)));
  // an app that declares MCP tools gets its agent's URL and token from the agent: here the fixture server answers its calls
  const agent: Record<string, string> = manifest.permissions.mcpTools ? { MARKETPLACE_AGENT_URL: FIXTURE_PREFIX, MARKETPLACE_APP_TOKEN: 'sandbox-app-token' } : {};
  return { env: { ...env, ...agent, PORT: '0', APP_DATA_DIR: dirs.dataDir, NODE_ENV: 'production', TZ: process.env.TZ ?? 'UTC' }, files };
}
