import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { findPostgresBinaries } from '@marketplace/db/testing';
import { requireBinary } from './system-binary.js';

const bin = fileURLToPath(new URL('../bin/marketplace.js', import.meta.url));

/**
 * The redis-server binary when both PostgreSQL and Redis are installed, for suites that start split
 * roles on them. Missing: outside CI the suite is skipped with a loud message; under CI=true it fails.
 */
export function postgresAndRedis(suite: string): string | undefined {
  const postgresMissing = findPostgresBinaries() ? null : 'PostgreSQL binaries (Debian package postgresql)';
  if (postgresMissing && process.env.CI === 'true') throw new Error(`${postgresMissing} are not installed — required under CI=true`);
  if (postgresMissing) console.warn(`\n!!! SKIPPING ${suite}: ${postgresMissing} are not installed; run scripts/install-system-deps.sh\n`);
  return postgresMissing ? undefined : requireBinary('redis-server', 'redis-server');
}

/** What every `marketplace serve --role …` process of a split test installation reads (production mode, from the sources). */
export function roleProcessEnv(options: { databaseUrl: string; redisPort: number; smtpFrom: string; workDir: string }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'production',
    // The suite runs the TypeScript sources (it must not depend on an earlier `npm run build`).
    MARKETPLACE_FROM_SOURCE: '1',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: `redis://127.0.0.1:${options.redisPort}`,
    JWT_SECRET: randomBytes(36).toString('base64'),
    ROOT_KEY_PASSPHRASE: randomBytes(24).toString('base64'),
    SMTP_FROM: options.smtpFrom,
    MAIL_HUB_HOST: '127.0.0.1',
    MAIL_ALLOW_UNVERIFIED_SENDERS: 'true',
    WORK_DIR: options.workDir,
  };
}

export interface RoleProcess {
  child: ChildProcess;
  /** The last 20,000 characters it wrote (stdout and stderr). */
  output(): string;
  /** Its exit code once it exits. */
  exited: Promise<number | null>;
}

/** `marketplace serve --role …` as a process of its own. */
export function spawnRole(role: 'all' | 'api' | 'worker' | 'smtp', env: Record<string, string>): RoleProcess {
  const child = spawn(process.execPath, [bin, 'serve', '--role', role], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
