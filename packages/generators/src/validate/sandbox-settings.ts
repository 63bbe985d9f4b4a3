import type { AppManifest } from '@marketplace/release';
import { FIXTURE_PREFIX } from './sandbox-plan.js';

interface KindFixtures {
  settings?: Record<string, string>;
  sources?: { setting: string; path?: string; file?: { name: string; content: string } }[];
  webhookSettings?: string[];
  input?: { name: string; content: string };
}

/**
 * The environment of the app in the sandbox: only variables the manifest declares (given
 * fixture values: the test API key, sources on the loopback fixture server or in the data
 * directory, webhooks to the fixture server) plus PORT, APP_DATA_DIR (as the deploy agent sets it), NODE_ENV and TZ.
 * Also returns the files to put in the data directory first.
 */
export function sandboxSettings(manifest: AppManifest, fixtures: KindFixtures, dataDir: string): { env: Record<string, string>; dataFiles: { name: string; content: string }[] } {
  const declared = new Set(manifest.env.map((variable) => variable.name));
  const values: Record<string, string> = { ...fixtures.settings, HOST: '127.0.0.1' };
  const dataFiles: { name: string; content: string }[] = [];
  for (const source of fixtures.sources ?? []) {
    if (source.file) {
      values[source.setting] = source.file.name;
      dataFiles.push(source.file);
    } else if (source.path) {
      values[source.setting] = FIXTURE_PREFIX + source.path;
    }
  }
  for (const setting of fixtures.webhookSettings ?? []) values[setting] = `${FIXTURE_PREFIX}/hook`;
  if (fixtures.input) {
    values.INPUT = fixtures.input.name;
    dataFiles.push(fixtures.input);
  }
  const env = Object.fromEntries(Object.entries(values).filter(([name]) => declared.has(name)));
  return { env: { ...env, PORT: '0', APP_DATA_DIR: dataDir, NODE_ENV: 'production', TZ: process.env.TZ ?? 'UTC' }, dataFiles };
}
