import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshpkLibrary } from './sshpk-library.js';
import { GitExportError } from './git-export-error.js';

/** The namespace `ssh-keygen -Y` signs Git objects in (what `git tag -v` checks). */
export const GIT_SIGNATURE_NAMESPACE = 'git';

/** A key (or the public half of a private key) as one OpenSSH line (`ssh-ed25519 AAAA…`), no comment. */
export function sshPublicKey(key: KeyObject): string {
  const pem = (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'pem' }).toString();
  return sshpkLibrary().parseKey(pem, 'pem').toString('ssh').split(' ').slice(0, 2).join(' ');
}

/**
 * One line of an OpenSSH allowed-signers file (`git config gpg.ssh.allowedSignersFile`): the principal
 * (the tagger's e-mail) may sign Git objects with this key.
 */
export function allowedSignersLine(principal: string, publicKey: string): string {
  return `${principal} namespaces="${GIT_SIGNATURE_NAMESPACE}" ${publicKey}`;
}

/**
 * Runs `work` with the key written as an OpenSSH private key file for `ssh-keygen -Y sign` (which reads
 * only files): in a fresh private directory (0700), the file 0600, both removed as soon as `work` ends,
 * whatever the outcome. The key is never on disk unencrypted longer than the signing call.
 */
export async function withSigningKeyFile<T>(privateKey: KeyObject, work: (keyFile: string) => Promise<T>): Promise<T> {
  let openssh: string;
  try {
    openssh = sshpkLibrary().parsePrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'pkcs8').toString('openssh');
  } catch (error) {
    throw new GitExportError('GIT_SIGNING_FAILED', 500, `The organisation's release key cannot be used for an SSH signature (${(error as Error).message}); rotate the release key.`, { cause: error });
  }
  const dir = await mkdtemp(join(tmpdir(), 'marketplace-git-sign-'));
  try {
    const keyFile = join(dir, 'signing-key');
    await writeFile(keyFile, openssh, { mode: 0o600, flag: 'wx' });
    return await work(keyFile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
