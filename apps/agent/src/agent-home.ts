import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the agent keeps its config and state: `--home`, else the OS convention for per-user config. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.MARKETPLACE_AGENT_HOME) return resolve(env.MARKETPLACE_AGENT_HOME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'marketplace-agent');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'marketplace-agent');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'marketplace-agent');
}

/** The layout under one home directory. */
export function homeLayout(home: string) {
  const root = resolve(home);
  return {
    root,
    config: join(root, 'config.json'),
    /** Ed25519 private key (PKCS#8 PEM, 0600) the agent signs its status mails with. */
    reportKey: join(root, 'report-key.pem'),
    keyList: join(root, 'state', 'key-list.json'),
    deliveryNonces: join(root, 'state', 'delivery-nonces.json'),
    /** The key the apps' local tokens are derived from, and the loopback port they call the agent on (0600). */
    appCalls: join(root, 'state', 'app-calls.json'),
    localActions: join(root, 'logs', 'local-actions.log'),
    state: join(root, 'state', 'apps.json'),
    journal: join(root, 'state', 'journal'),
    outbox: join(root, 'state', 'outbox'),
    maildir: join(root, 'mail'),
    apps: join(root, 'apps'),
    /** One directory per app (`APP_DATA_DIR`), outside the version folders: kept across upgrades and `remove`. */
    data: join(root, 'data'),
    /** Copies of an app's data taken when an upgrade leaves a version (`<app>/<version>/`), restored by a rollback to it. */
    snapshots: join(root, 'data-snapshots'),
    /** Data written after the snapshot a rollback restored, moved here (never deleted by the agent). */
    dataAside: join(root, 'data-aside'),
    logs: join(root, 'logs'),
    downloads: join(root, 'state', 'downloads'),
  };
}

export type HomeLayout = ReturnType<typeof homeLayout>;
