import type { HomeLayout } from './agent-home.js';
import { readJson, writeJsonAtomic } from './json-file.js';

export interface AppRecord {
  name: string;
  /** The version serving now (the `current` pointer), or null once removed. */
  current: string | null;
  /** Earlier healthy versions kept on disk, newest first (rollback targets). */
  previous: string[];
  port: number | null;
  pid: number | null;
  state: 'healthy' | 'unhealthy' | 'stopped' | 'removed';
  healthPath: string;
  updatedAt: string;
}

export interface AgentState {
  apps: Record<string, AppRecord>;
  /** Versions started but not yet switched to: after a crash their processes are stopped. */
  starting?: Record<string, { version: string; pid: number | null }>;
}

/** `state/apps.json`: the source of truth for what is deployed; the `current` symlinks follow it. */
export async function loadState(layout: HomeLayout): Promise<AgentState> {
  return (await readJson<AgentState>(layout.state)) ?? { apps: {} };
}

export const saveState = (layout: HomeLayout, state: AgentState) => writeJsonAtomic(layout.state, state);
