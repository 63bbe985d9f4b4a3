import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { GrantedReadPath } from '@marketplace/release';
import { agentUser } from './agent-user.js';
import { notice, reason, type Reason } from './reason.js';

/** The code of the note a deployment carries when a granted workstation file is not there (or not readable). */
export const READ_PATH_MISSING = 'READ_PATH_MISSING';

export interface UnavailableReadPath {
  path: string;
  setting: string;
  /** `missing`: nothing at the path; `unreadable`: there, but the user the agent runs as may not read it. */
  problem: 'missing' | 'unreadable';
}

/**
 * The granted workstation files (app.json `permissions.readPaths`) that this workstation cannot give the
 * app right now. Not a refusal: the file may be written later (a nightly export), so the app deploys and
 * the person is told which path to fill in.
 */
export async function findUnavailableReadPaths(granted: readonly Pick<GrantedReadPath, 'path' | 'setting'>[]): Promise<UnavailableReadPath[]> {
  const unavailable: UnavailableReadPath[] = [];
  for (const entry of granted) {
    const found = await stat(entry.path).catch((error: NodeJS.ErrnoException) => (error.code === 'EACCES' || error.code === 'EPERM' ? 'unreadable' : null));
    if (found === null) unavailable.push({ path: entry.path, setting: entry.setting, problem: 'missing' });
    else if (found === 'unreadable' || !(await readable(entry.path))) unavailable.push({ path: entry.path, setting: entry.setting, problem: 'unreadable' });
  }
  return unavailable;
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** What the person at the workstation (and the deployment's history) is told: each path, its setting, and what to do. */
export function describeUnavailableReadPaths(app: string, version: string, unavailable: readonly UnavailableReadPath[]): Reason {
  const name = agentUser();
  const user = `"${name}"`;
  const each = unavailable.map((entry) =>
    entry.problem === 'missing'
      ? `${entry.path} (setting ${entry.setting}) does not exist on this workstation: put the file there, or ask whoever exports it to write it there`
      : `${entry.path} (setting ${entry.setting}) exists but ${user}, the user the agent and its apps run as, may not read it: give that user read permission on the file and its folders`,
  );
  const files = (problem: UnavailableReadPath['problem']) =>
    unavailable
      .filter((entry) => entry.problem === problem)
      .map((entry) => `${entry.path} (${entry.setting})`)
      .join('; ');
  const missing = files('missing');
  const unreadable = files('unreadable');
  return reason(
    READ_PATH_MISSING,
    `${app} ${version} reads a workstation file that it cannot read yet: ${each.join('; ')}. Until then what the app shows from that file fails; it reads the file as soon as it is there, without a new release (an app in a container sees it after its next start).`,
    missing ? notice('deployment.readPathMissing', { app, version, files: missing }) : undefined,
    unreadable ? notice('deployment.readPathUnreadable', { app, version, files: unreadable, user: name }) : undefined,
  );
}
