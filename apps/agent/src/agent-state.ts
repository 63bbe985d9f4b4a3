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

/** The state in memory, saved after each change (saves never overlap; a crash keeps the old or the new file). */
export class StateStore {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly layout: HomeLayout,
    readonly state: AgentState,
  ) {}

  static async open(layout: HomeLayout): Promise<StateStore> {
    return new StateStore(layout, await loadState(layout));
  }

  records(): AppRecord[] {
    return Object.values(this.state.apps);
  }

  get(app: string): AppRecord | undefined {
    return this.state.apps[app];
  }

  update(app: string, patch: Partial<AppRecord>): Promise<void> {
    const record = this.state.apps[app];
    if (record) Object.assign(record, patch, { updatedAt: new Date().toISOString() });
    return this.save();
  }

  put(record: AppRecord): Promise<void> {
    this.state.apps[record.name] = record;
    return this.update(record.name, {});
  }

  setStarting(app: string, value: { version: string; pid: number | null } | null): Promise<void> {
    this.state.starting ??= {};
    if (value) this.state.starting[app] = value;
    else delete this.state.starting[app];
    return this.save();
  }

  save(): Promise<void> {
    this.saving = this.saving.catch(() => {}).then(() => saveState(this.layout, this.state));
    return this.saving;
  }

  /** Waits for the last save. */
  settled(): Promise<void> {
    return this.saving.catch(() => {});
  }
}
