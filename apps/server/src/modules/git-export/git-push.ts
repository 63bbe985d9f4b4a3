import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshpkLibrary } from './sshpk-library.js';
import type { GitExportErrorCode } from './git-export-error.js';
import { resolveTarget } from './remote-target.js';
import { execGit } from './run-git.js';
import { EXPORT_BRANCH } from './git-export-service.js';

/** How the server proves itself to a remote: an HTTPS user name and token (password), or an SSH deploy key and the host's known_hosts line. */
export type PushCredential = { kind: 'https-token'; username: string; token: string } | { kind: 'ssh-key'; privateKey: string; knownHosts: string };

export type PushResult =
  | { ok: true; updated: string[] }
  | { ok: false; code: Extract<GitExportErrorCode, `GIT_PUSH_${string}`>; message: string; retryable: boolean };

/** What is pushed: the export branch and every version tag; never forced, so a remote with other history rejects it. */
const REFSPECS = [`refs/heads/${EXPORT_BRANCH}:refs/heads/${EXPORT_BRANCH}`, 'refs/tags/v*:refs/tags/v*'];

/** Single-quoted for the shell that runs GIT_SSH_COMMAND; the paths are ours (mkdtemp), the quoting is belt and braces. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** An admin's SSH private key in OpenSSH format, or a message saying what is wrong with it (encrypted keys cannot be used unattended). */
export function readSshPrivateKey(text: string): { ok: true; openssh: string } | { ok: false; message: string } {
  try {
    return { ok: true, openssh: sshpkLibrary().parsePrivateKey(text, 'auto').toString('openssh') };
  } catch (error) {
    const encrypted = error instanceof Error && /encrypted|passphrase/i.test(error.message);
    return { ok: false, message: encrypted ? 'the SSH private key is protected by a passphrase; give a deploy key without one' : `the SSH private key cannot be read (${(error as Error).message}); give an OpenSSH or PEM private key` };
  }
}

/** One known_hosts line (`host[,host…] key-type base64`), checked: its key must parse. Markers and hashed hosts are accepted as OpenSSH writes them. */
export function readKnownHostsLine(text: string): { ok: true; line: string } | { ok: false; message: string } {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0 || lines.length > 20) return { ok: false, message: 'give the remote host’s key as 1 to 20 known_hosts lines (ssh-keyscan -t ed25519 <host>)' };
  for (const line of lines) {
    const parts = line.split(/\s+/);
    const offset = parts[0]?.startsWith('@') ? 1 : 0;
    try {
      if (parts.length < 3 + offset) throw new Error('expected: host key-type base64-key');
      sshpkLibrary().parseKey(`${parts[1 + offset]} ${parts[2 + offset]}`, 'ssh');
    } catch (error) {
      return { ok: false, message: `the known_hosts line '${line.slice(0, 60)}…' cannot be read (${(error as Error).message})` };
    }
  }
  return { ok: true, line: `${lines.join('\n')}\n` };
}

/** Git's messages that mean the credentials were refused, that the host key did not match, or that the remote has history we did not write. */
const AUTH_FAILED = /Authentication failed|could not read (Username|Password)|returned error: 40[13]|Permission denied \(|HTTP Basic: Access denied/i;
const HOST_KEY = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i;
const REJECTED = /^!\t(\S+)\t\[rejected\] \(([^)]*)\)/gm;

/** Removes every copy of the secret from text that may be stored or shown (git never prints it, but a misbehaving remote could echo it). */
export function redact(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/**
 * Pushes the export branch and the version tags to `url` without ever forcing. HTTPS: the host is resolved
 * and checked first and git is pinned to that address (`http.curloptResolve`), the token travels as an
 * Authorization header set through `GIT_CONFIG_*` in the child's environment — never in argv, a config file
 * or the URL; redirects are not followed. SSH: the key is written 0600 into a private temp dir (removed
 * afterwards) and ssh checks the host key strictly against the admin's known_hosts line and nothing else.
 * Only the transport of the URL is allowed (no ext::, file:// or others).
 */
export async function pushRepository(options: { repository: string; url: string; credential: PushCredential; allowPrivate: boolean; timeoutMs: number }): Promise<PushResult> {
  const url = new URL(options.url);
  const scheme = url.protocol.slice(0, -1);
  // The URL may come from GitLab's answer: only the transports an admin could have saved, never ext::, file:// or the like.
  if (!['https', 'ssh', ...(options.allowPrivate ? ['http'] : [])].includes(scheme)) return { ok: false, code: 'GIT_PUSH_TARGET_REFUSED', message: `Pushes go over https:// or ssh:// only; the remote is ${url.protocol}//.`, retryable: false };
  let target;
  try {
    target = await resolveTarget(url, options.allowPrivate);
  } catch (error) {
    const code = (error as { code?: string }).code === 'GIT_PUSH_TARGET_REFUSED' ? 'GIT_PUSH_TARGET_REFUSED' : 'GIT_PUSH_FAILED';
    return { ok: false, code, message: (error as Error).message, retryable: code === 'GIT_PUSH_FAILED' };
  }
  const config = ['-c', 'protocol.allow=never', '-c', `protocol.${scheme}.allow=always`, '-c', 'http.followRedirects=false', '-c', 'credential.helper=', '-c', 'core.askPass='];
  const env: Record<string, string> = { GIT_ASKPASS: '/bin/false', SSH_ASKPASS: '/bin/false' };
  const secrets: string[] = [];
  let work: string | undefined;
  try {
    if (options.credential.kind === 'https-token') {
      if (scheme !== 'https' && scheme !== 'http') return { ok: false, code: 'GIT_PUSH_FAILED', message: `A token is used with https:// remotes; the remote is ${url.protocol}//.`, retryable: false };
      const address = target.address.includes(':') ? `[${target.address}]` : target.address;
      config.push('-c', `http.curloptResolve=${target.host}:${target.port}:${address}`);
      const basic = Buffer.from(`${options.credential.username}:${options.credential.token}`).toString('base64');
      secrets.push(options.credential.token, basic);
      Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
    } else {
      if (scheme !== 'ssh') return { ok: false, code: 'GIT_PUSH_FAILED', message: `A deploy key is used with ssh:// remotes; the remote is ${url.protocol}//.`, retryable: false };
      const key = readSshPrivateKey(options.credential.privateKey);
      if (!key.ok) return { ok: false, code: 'GIT_PUSH_AUTH_FAILED', message: `The stored ${key.message}.`, retryable: false };
      work = await mkdtemp(join(tmpdir(), 'marketplace-git-push-'));
      const keyFile = join(work, 'deploy-key');
      const knownHosts = join(work, 'known_hosts');
      await writeFile(keyFile, key.openssh, { mode: 0o600, flag: 'wx' });
      await writeFile(knownHosts, options.credential.knownHosts, { mode: 0o600, flag: 'wx' });
      env.GIT_SSH_VARIANT = 'ssh';
      env.GIT_SSH_COMMAND = [
        'ssh', '-F', '/dev/null', '-i', shellQuote(keyFile), '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'BatchMode=yes',
        '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${shellQuote(knownHosts)}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'UpdateHostKeys=no', '-o', 'ConnectTimeout=30',
      ].join(' ');
    }
    const result = await execGit(['--git-dir', options.repository, ...config, 'push', '--porcelain', options.url, ...REFSPECS], { env, timeoutMs: options.timeoutMs });
    const output = redact(`${result.stdout}\n${result.stderr}`, secrets);
    if (result.code === 0) return { ok: true, updated: [...result.stdout.matchAll(/^[*+ ]\t\S+:(\S+)\t/gm)].map((m) => m[1]!) };
    if (result.timedOut) return { ok: false, code: 'GIT_PUSH_FAILED', message: `The push to ${options.url} took longer than ${options.timeoutMs} ms and was stopped (GIT_PUSH_TIMEOUT_MS).`, retryable: true };
    const rejected = [...output.matchAll(REJECTED)].map((m) => `${m[1]!.split(':').pop()} (${m[2]})`);
    if (rejected.length) {
      return { ok: false, code: 'GIT_PUSH_REJECTED', message: `The remote refused ${rejected.join(', ')}: it has history this server did not write, and exports are never force-pushed. Point the remote at an empty repository or reconcile it there, then push again.`, retryable: false };
    }
    const detail = redact(result.stderr, secrets).split('\n').map((l) => l.trim()).filter((l) => l && !/^(To |Done$|hint:)/.test(l)).join(' ').slice(0, 500) || `git exited with ${result.code}`;
    if (HOST_KEY.test(output)) return { ok: false, code: 'GIT_PUSH_HOST_KEY', message: `The SSH host key of ${target.host} does not match the known_hosts line saved for it; check the server's key and save the right line. (${detail})`, retryable: false };
    if (AUTH_FAILED.test(output)) return { ok: false, code: 'GIT_PUSH_AUTH_FAILED', message: `The remote refused the credentials saved for it; check the user name and token (or the deploy key's write access) under Admin → Git export. (${detail})`, retryable: false };
    return { ok: false, code: 'GIT_PUSH_FAILED', message: `The push to ${options.url} failed: ${detail}`, retryable: true };
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
}
