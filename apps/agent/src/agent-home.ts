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
    keyList: join(root, 'state', 'key-list.json'),
    state: join(root, 'state', 'apps.json'),
    journal: join(root, 'state', 'journal'),
    outbox: join(root, 'state', 'outbox'),
    maildir: join(root, 'mail'),
    apps: join(root, 'apps'),
    data: join(root, 'data'),
    logs: join(root, 'logs'),
    downloads: join(root, 'state', 'downloads'),
  };
}

export type HomeLayout = ReturnType<typeof homeLayout>;
