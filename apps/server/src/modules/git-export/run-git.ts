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
  /** Stop the command (SIGKILL) after this many milliseconds; it then ends with code null. */
  timeoutMs?: number;
}

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `git` with an argument array (never a shell) and resolves with its exit code and output, whatever the code. */
export function execGit(args: readonly string[], options: GitRun = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', ...GIT_BASE_ENV, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    const keep = (list: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT_BYTES) list.push(chunk);
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new GitExportError('GIT_MISSING', 500, 'The git binary is not installed on the server; install git (scripts/install-system-deps.sh).', { cause: error }) : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    child.stdin.on('error', () => {}); // a command that reads no input may exit before taking it; its exit code tells
    child.stdin.end(options.input ?? '');
  });
}

/** The git command an argument list runs (`tag` of `--git-dir x -c k=v tag …`), for error messages. */
function subcommand(args: readonly string[]): string {
  let index = 0;
  while (index < args.length && (args[index] === '--git-dir' || args[index] === '-c')) index += 2;
  return args[index] ?? 'command';
}

/** Runs `git` with an argument array (never a shell); resolves with stdout, rejects with GIT_FAILED carrying stderr. */
export async function runGit(args: readonly string[], options: GitRun = {}): Promise<string> {
  const result = await execGit(args, options);
  if (result.code === 0) return result.stdout;
  const stderr = result.stderr.trim().slice(0, 2000);
  throw new GitExportError('GIT_FAILED', 500, `git ${subcommand(args)} failed (exit ${result.code}): ${stderr || 'no message'}`);
}
