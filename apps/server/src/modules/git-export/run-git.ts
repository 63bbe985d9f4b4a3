import { spawn } from 'node:child_process';
import { GitExportError } from './git-export-error.js';

/** What git's own configuration could change is pinned: no system or user config, no prompts, no pager, no hooks of the caller's. */
export const GIT_BASE_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
};

/** Output kept from one git command: exports write small repositories, and a runaway command must not fill memory. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface GitRun {
  cwd?: string;
  env?: Record<string, string>;
  input?: string | Buffer;
}

/** Runs `git` with an argument array (never a shell); resolves with stdout, rejects with GIT_FAILED carrying stderr. */
export function runGit(args: readonly string[], options: GitRun = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', ...GIT_BASE_ENV, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const keep = (list: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT_BYTES) list.push(chunk);
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new GitExportError('GIT_MISSING', 500, 'The git binary is not installed on the server; install git (scripts/install-system-deps.sh).', { cause: error }) : error),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 2000);
      reject(new GitExportError('GIT_FAILED', 500, `git ${args[0]} failed (exit ${code}): ${stderr || 'no message'}`));
    });
    child.stdin.on('error', () => {}); // a command that reads no input may exit before taking it; its exit code tells
    child.stdin.end(options.input ?? '');
  });
}
