import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';

export type Role = 'all' | 'api' | 'worker' | 'smtp';
export const ROLES: Role[] = ['all', 'api', 'worker', 'smtp'];

/** Roles that sign (releases, delivery statements) or create organisation keys (registration, enrolment). */
const SIGNING_ROLES: readonly Role[] = ['all', 'api', 'worker'];
/** Roles that send mail of their own (release mail, invitations, password resets, replies). */
const SENDING_ROLES: readonly Role[] = ['api', 'worker'];

/**
 * What a role needs before it starts, as problems naming the settings. A split role (api, worker,
 * smtp) is one of several processes: they share one PostgreSQL database, one JWT secret, one root
 * key passphrase and one Redis, and reach mail through a relay or the smtp role's hub — defaults that
 * one process makes up for itself (a generated secret in its own DATA_DIR) would differ between them.
 */
export function roleSettingProblems(role: Role, config: Config): string[] {
  const problems: string[] = [];
  const split = role !== 'all';
  const why = `required for --role ${role}`;
  if (split) {
    if (!config.databaseUrl) problems.push(`DATABASE_URL: ${why} (every process uses one PostgreSQL database; the embedded one belongs to a single process)`);
    if (!config.jwtSecret) problems.push(`JWT_SECRET: ${why} (the same value in every process, at least 32 characters: openssl rand -base64 48)`);
    if (!config.redisUrl) problems.push(`REDIS_URL: ${why} (carries live updates and rate limits between the processes)`);
  }
  if (SIGNING_ROLES.includes(role) && (split || config.env === 'production') && !config.rootKey.passphrase && !config.rootKey.file) {
    problems.push(`ROOT_KEY_PASSPHRASE or ROOT_KEY_FILE: ${split ? why : 'required when NODE_ENV=production'} (the same passphrase in every process: it unlocks the organisations' signing keys; openssl rand -base64 32)`);
  }
  // MAIL_TRANSPORT=gmail: every process sends through the Gmail API itself, no relay or hub needed.
  if (SENDING_ROLES.includes(role) && config.mailTransport === 'smtp' && !config.smtp.host && !config.mailHub.hostSet) {
    problems.push(`SMTP_HOST or MAIL_HUB_HOST: ${why} (where this process sends mail: your relay, or the host of the --role smtp process and its SMTP_LISTEN_PORT)`);
  }
  if (role === 'smtp' && config.smtp.host) {
    problems.push('SMTP_HOST: leave it empty for --role smtp, which runs the embedded mail hub (with a relay set, mail goes there and no hub is needed: read incoming mail with IMAP_HOST instead)');
  }
  return problems;
}

/** Throws a ConfigError listing every setting `role` is missing. */
export function assertRoleSettings(role: Role, config: Config): void {
  const problems = roleSettingProblems(role, config);
  if (problems.length) throw new ConfigError(problems);
}
