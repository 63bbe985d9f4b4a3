import { createRequire } from 'node:module';
import type SshPk from 'sshpk';

const load = createRequire(import.meta.url);
let sshpk: typeof SshPk | undefined;

/** sshpk (≈ 30 modules) loads on first use: only git export needs it, never start-up (decision 0054). */
export function sshpkLibrary(): typeof SshPk {
  return (sshpk ??= load('sshpk') as typeof SshPk);
}
