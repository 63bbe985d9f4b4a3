import { userInfo } from 'node:os';

/** The name of the user the agent (and the apps it starts) runs as, for logs and what-to-do messages. */
export function agentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
