import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openImapMailbox, openMaildir, type Mailbox } from '@marketplace/mail';
import { AgentError } from './agent-error.js';

export interface MailboxChoice {
  maildir?: string;
  env?: NodeJS.ProcessEnv;
  /** The embedded hub's folder for this agent's mailbox, as enrolment gave it (config `hubMaildir`). */
  hubMaildir?: string;
}

/**
 * `--maildir DIR`, else IMAP when IMAP_HOST is set (IMAP_PORT, IMAP_USER, IMAP_PASS, IMAP_SECURE), else
 * the hub's Maildir from enrolment when it is on this machine (where the releases go), else the given default Maildir.
 */
export async function openAgentMailbox(choice: MailboxChoice, defaultMaildir: string): Promise<{ mailbox: Mailbox; describe: string; source: 'maildir' | 'imap' | 'hub' | 'home' }> {
  const env = choice.env ?? process.env;
  if (choice.maildir) return { mailbox: await openMaildir(choice.maildir, { pollIntervalMs: 1000 }), describe: `Maildir ${choice.maildir}`, source: 'maildir' };
  if (env.IMAP_HOST) {
    const port = Number(env.IMAP_PORT ?? 993);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AgentError('MAILBOX_SETTINGS', `IMAP_PORT must be a port number: got "${env.IMAP_PORT}".`);
    if (!env.IMAP_USER || !env.IMAP_PASS) throw new AgentError('MAILBOX_SETTINGS', 'IMAP_HOST is set, so IMAP_USER and IMAP_PASS are needed too.');
    const secure = env.IMAP_SECURE ? /^(1|true|yes|on)$/i.test(env.IMAP_SECURE) : port === 993;
    const mailbox = await openImapMailbox({ host: env.IMAP_HOST, port, secure, user: env.IMAP_USER, pass: env.IMAP_PASS });
    return { mailbox, describe: `IMAP ${env.IMAP_USER}@${env.IMAP_HOST}:${port}`, source: 'imap' };
  }
  // the hub's folder is <DATA_DIR>/mail/<address>, made on its first mail: the server's DATA_DIR here means this is its machine
  if (choice.hubMaildir && (await stat(dirname(dirname(choice.hubMaildir))).catch(() => null))?.isDirectory()) {
    return { mailbox: await openMaildir(choice.hubMaildir, { pollIntervalMs: 1000 }), describe: `Maildir ${choice.hubMaildir} (the server's mail hub, from enrolment)`, source: 'hub' };
  }
  return { mailbox: await openMaildir(defaultMaildir, { pollIntervalMs: 1000 }), describe: `Maildir ${defaultMaildir}`, source: 'home' };
}

/** `--env-file FILE` of `run` and `doctor`: Node's own KEY=value reader; variables already set win. */
export function loadSettingsFile(file: string): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new AgentError('SETTING_REQUIRED', `--env-file ${file} cannot be read (${(error as Error).message}); give a KEY=value file the agent's user can read.`);
  }
}
