import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { MailError } from '../mail-error.js';
import { deliverToMaildir, ensureMaildir } from '../maildir/maildir-delivery.js';
import { freePort } from './free-port.js';

export const INSTALL_HINT = 'install it with scripts/install-system-deps.sh (Debian package dovecot-imapd)';

/** Path of the dovecot binary, or null when it is not installed. */
export function findDovecot(): string | null {
  for (const candidate of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v dovecot'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

export interface DovecotUser {
  user: string;
  pass: string;
}

export interface TestDovecot {
  host: string;
  port: number;
  /** Temp directory holding config, runtime files and mail. */
  dir: string;
  maildir(user: string): string;
  /** Writes a message straight into the user's Maildir `new/` (works while Dovecot is down, like a local delivery agent). */
  deliver(user: string, raw: Buffer): Promise<string>;
  /** Stores a message over IMAP APPEND, as the user. */
  append(user: string, raw: Buffer, mailbox?: string): Promise<void>;
  /** SIGKILL to the whole Dovecot process group (master and its imap processes); resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts Dovecot again on the same port and mail (after kill or stop). */
  start(): Promise<void>;
  /** Stops Dovecot and removes the temp directory. */
  stop(): Promise<void>;
  log(): Promise<string>;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Starts a real Dovecot IMAP server for a test: its own config in a temp directory, listening on
 * 127.0.0.1 on a free port, plaintext login allowed (loopback only), users from a passwd-file,
 * Maildir++ mail in the temp directory. As root, login runs as dovenull and mail as nobody
 * (Dovecot refuses root for both); as another user, everything runs as that user.
 */
export async function startDovecot(options: { users: DovecotUser[] }): Promise<TestDovecot> {
  const binary = findDovecot();
  if (!binary) throw new MailError('DOVECOT_MISSING', `dovecot is not installed: ${INSTALL_HINT}.`);
  for (const { user, pass } of options.users) {
    if (!NAME.test(user) || /[:\r\n]/.test(pass) || !pass) throw new MailError('INVALID_OPTIONS', `Test user "${user}" needs a simple lower-case name and a password without ':' or newlines.`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'mail-dovecot-'));
  await chmod(dir, 0o755); // login and auth processes run as other users and must reach the sockets
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  const mailOwner = isRoot ? { uid: 65534, gid: 65534 } : { uid: userInfo().uid, gid: userInfo().gid };
  const loginUser = isRoot ? (userExists('dovenull') ? 'dovenull' : 'nobody') : userInfo().username;
  const internalUser = isRoot ? (userExists('dovecot') ? 'dovecot' : 'nobody') : userInfo().username;

  for (const sub of ['run', 'state', 'mail', 'home']) await mkdir(join(dir, sub), { recursive: true });
  const maildir = (user: string): string => join(dir, 'mail', user);
  for (const { user } of options.users) {
    await ensureMaildir(maildir(user));
    await mkdir(join(dir, 'home', user), { recursive: true });
  }
  if (isRoot) {
    for (const path of [join(dir, 'mail'), join(dir, 'home')]) await chownTree(path, mailOwner.uid, mailOwner.gid);
  }
  await writeFile(join(dir, 'passwd'), options.users.map(({ user, pass }) => `${user}:{PLAIN}${pass}`).join('\n') + '\n', { mode: 0o644 });
  const configPath = join(dir, 'dovecot.conf');
  await writeFile(configPath, dovecotConfig({ dir, port, loginUser, internalUser, mailOwner }));

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    if (child) return;
    await rm(join(dir, 'run', 'master.pid'), { force: true });
    const proc = spawn(binary as string, ['-F', '-c', configPath], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === proc) child = null;
    });
    try {
      await waitForGreeting(port, proc, 15_000);
    } catch (error) {
      const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      await killGroup(proc);
      throw new MailError('DOVECOT_FAILED', `Dovecot did not start: ${(error as Error).message}\n${stderr}\n${log.slice(-2000)}`);
    }
  }

  async function killGroup(proc: ChildProcess): Promise<void> {
    if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {}
    await done;
  }

  await start();

  return {
    host: '127.0.0.1',
    port,
    dir,
    maildir,
    async deliver(user, raw) {
      const file = await deliverToMaildir(maildir(user), raw, isRoot ? { owner: mailOwner } : {});
      return file.path;
    },
    async append(user, raw, mailbox = 'INBOX') {
      const account = options.users.find((candidate) => candidate.user === user);
      if (!account) throw new MailError('INVALID_OPTIONS', `No test user "${user}" in this Dovecot.`);
      const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: account.pass }, logger: false });
      client.on('error', () => {});
      await client.connect();
      try {
        await client.append(mailbox, raw);
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    async kill() {
      const proc = child;
      if (!proc) return;
      await killGroup(proc);
      await exited;
      child = null;
    },
    start,
    async stop() {
      const proc = child;
      if (proc?.pid !== undefined) {
        proc.kill('SIGTERM');
        const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000))]);
        if (!stopped) await killGroup(proc);
        try {
          process.kill(-proc.pid, 'SIGKILL'); // imap processes that outlived their master
        } catch {}
      }
      child = null;
      await rm(dir, { recursive: true, force: true });
    },
    log: () => readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => ''),
  };
}

function dovecotConfig(settings: { dir: string; port: number; loginUser: string; internalUser: string; mailOwner: { uid: number; gid: number } }): string {
  const { dir, port } = settings;
  return `# Written by @marketplace/mail/testing for one test run.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
instance_name = mail-test-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
# loopback only, test passwords: plaintext login is fine here and nowhere else
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${settings.loginUser}
default_internal_user = ${settings.internalUser}
default_internal_group = ${settings.internalUser === 'nobody' ? 'nogroup' : settings.internalUser}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u
namespace inbox {
  inbox = yes
  separator = .
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${settings.mailOwner.uid} gid=${settings.mailOwner.gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

function waitForGreeting(port: number, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (proc.exitCode !== null || proc.signalCode !== null) return reject(new Error(`dovecot exited (${proc.exitCode ?? proc.signalCode})`));
      if (Date.now() > deadline) return reject(new Error(`no IMAP greeting on 127.0.0.1:${port} within ${timeoutMs} ms`));
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.setTimeout(1000);
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('* OK')) {
          socket.destroy();
          resolve();
        }
      });
      const retry = (): void => {
        socket.destroy();
        setTimeout(attempt, 100);
      };
      socket.on('error', retry);
      socket.on('timeout', retry);
    };
    attempt();
  });
}

function userExists(name: string): boolean {
  return spawnSync('id', ['-u', name]).status === 0;
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await chown(child, uid, gid);
  }
}
