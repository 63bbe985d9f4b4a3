import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * The JWT secret: from JWT_SECRET, or — outside production — generated once and kept in
 * `<DATA_DIR>/secrets/jwt-secret` (0600) so tokens survive restarts. Production refuses to start
 * without JWT_SECRET (checked in loadConfig).
 */
export async function resolveJwtSecret(config: Config): Promise<{ config: Config; generated: boolean }> {
  if (config.jwtSecret) return { config, generated: false };
  if (config.env === 'production') throw new Error('JWT_SECRET is required when NODE_ENV=production');
  const dir = join(config.dataDir, 'secrets');
  const file = join(dir, 'jwt-secret');
  let secret: string;
  let generated = false;
  try {
    secret = (await readFile(file, 'utf8')).trim();
  } catch (error: any) {
    if (error?.code !== 'ENOENT') throw error;
    secret = randomBytes(48).toString('base64url');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async (e: any) => {
      if (e?.code !== 'EEXIST') throw e;
      secret = (await readFile(file, 'utf8')).trim();
    });
    generated = true;
  }
  return { config: Object.freeze({ ...config, jwtSecret: secret }), generated };
}
