import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import { AppError } from '../../errors/app-error.js';

const MIN_LENGTH = 12;

/**
 * The passphrase that encrypts every organisation's root and release private keys at rest:
 * ROOT_KEY_PASSPHRASE, else the first line of ROOT_KEY_FILE, else (outside production) one generated
 * once into `<DATA_DIR>/secrets/root-key-passphrase` (0600). Tests without either get one that lives
 * only as long as the process. Production refuses to sign without an explicit one.
 */
export async function resolveRootPassphrase(config: Config): Promise<string> {
  const check = (value: string, source: string) => {
    if (value.length < MIN_LENGTH) throw new AppError('ROOT_KEY_PASSPHRASE_WEAK', 500, `${source} must be at least ${MIN_LENGTH} characters long; set a longer passphrase.`);
    return value;
  };
  if (config.rootKey.passphrase) return check(config.rootKey.passphrase, 'ROOT_KEY_PASSPHRASE');
  if (config.rootKey.file) {
    let text: string;
    try {
      text = await readFile(config.rootKey.file, 'utf8');
    } catch (error) {
      throw new AppError('ROOT_KEY_FILE_UNREADABLE', 500, `ROOT_KEY_FILE ${config.rootKey.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the path and its permissions.`, { cause: error });
    }
    return check(text.split(/\r?\n/)[0]!.trim(), `The first line of ROOT_KEY_FILE ${config.rootKey.file}`);
  }
  if (config.env === 'production') {
    throw new AppError('ROOT_KEY_PASSPHRASE_REQUIRED', 500, 'Signing keys need ROOT_KEY_PASSPHRASE or ROOT_KEY_FILE when NODE_ENV=production; set one (e.g. openssl rand -base64 32) and restart.');
  }
  if (config.env === 'test') return randomBytes(24).toString('base64url');
  const dir = join(config.dataDir, 'secrets');
  const file = join(dir, 'root-key-passphrase');
  try {
    return check((await readFile(file, 'utf8')).trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = randomBytes(32).toString('base64url');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
