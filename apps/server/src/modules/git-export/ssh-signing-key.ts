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
 * The key in OpenSSH's private key format. An Ed25519 key (every release key) goes in as its two halves from
 * Node's own export: sshpk, given PKCS#8 alone, derives the public half in JavaScript (tweetnacl), ≈ 20–90 ms
 * of the server's event loop per export (decision 0064).
 */
function opensshPrivateKey(privateKey: KeyObject): string {
  const sshpk = sshpkLibrary();
  if (privateKey.asymmetricKeyType === 'ed25519') {
    const { d, x } = privateKey.export({ format: 'jwk' });
    if (!d || !x) throw new Error('the Ed25519 key has no private or public half');
    return new sshpk.PrivateKey({ type: 'ed25519', parts: [{ name: 'A', data: Buffer.from(x, 'base64url') }, { name: 'k', data: Buffer.from(d, 'base64url') }] }).toString('openssh');
  }
  return sshpk.parsePrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'pkcs8').toString('openssh');
}

/**
 * Runs `work` with the key written as an OpenSSH private key file for `ssh-keygen -Y sign` (which reads
 * only files): in a fresh private directory (0700), the file 0600, both removed as soon as `work` ends,
 * whatever the outcome. The key is never on disk unencrypted longer than the signing call.
 */
export async function withSigningKeyFile<T>(privateKey: KeyObject, work: (keyFile: string) => Promise<T>): Promise<T> {
  let openssh: string;
  try {
    openssh = opensshPrivateKey(privateKey);
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
