import { resolve } from 'node:path';
import { openImapMailbox, openMaildir, type Mailbox } from '@marketplace/mail';
import { AgentError } from './agent-error.js';
import type { HomeLayout } from './agent-home.js';
import { readJson, writeJsonAtomic } from './json-file.js';

export interface MailboxChoice {
  maildir?: string;
  env?: NodeJS.ProcessEnv;
}

/** `--maildir DIR`, else IMAP when IMAP_HOST is set (IMAP_PORT, IMAP_USER, IMAP_PASS, IMAP_SECURE), else the given default Maildir. */
export async function openAgentMailbox(choice: MailboxChoice, defaultMaildir: string): Promise<{ mailbox: Mailbox; describe: string }> {
  const env = choice.env ?? process.env;
  if (choice.maildir) return { mailbox: await openMaildir(choice.maildir, { pollIntervalMs: 1000 }), describe: `Maildir ${choice.maildir}` };
  if (env.IMAP_HOST) {
    const port = Number(env.IMAP_PORT ?? 993);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AgentError('MAILBOX_SETTINGS', `IMAP_PORT must be a port number: got "${env.IMAP_PORT}".`);
    if (!env.IMAP_USER || !env.IMAP_PASS) throw new AgentError('MAILBOX_SETTINGS', 'IMAP_HOST is set, so IMAP_USER and IMAP_PASS are needed too.');
    const secure = env.IMAP_SECURE ? /^(1|true|yes|on)$/i.test(env.IMAP_SECURE) : port === 993;
    const mailbox = await openImapMailbox({ host: env.IMAP_HOST, port, secure, user: env.IMAP_USER, pass: env.IMAP_PASS });
    return { mailbox, describe: `IMAP ${env.IMAP_USER}@${env.IMAP_HOST}:${port}` };
  }
  return { mailbox: await openMaildir(defaultMaildir, { pollIntervalMs: 1000 }), describe: `Maildir ${defaultMaildir}` };
}

/** What `run` watched last (`state/mailbox.json`): a Maildir's path, or the IMAP account it logged in to (never a password). */
export interface WatchedMailbox {
  maildir?: string;
  describe: string;
  since: string;
}

/** Kept by `run`, so `doctor` checks the mailbox the agent really reads rather than the default one. */
export async function rememberWatchedMailbox(layout: HomeLayout, choice: MailboxChoice, describe: string): Promise<void> {
  const watched: WatchedMailbox = { ...(choice.maildir ? { maildir: resolve(choice.maildir) } : {}), describe, since: new Date().toISOString() };
  await writeJsonAtomic(layout.watchedMailbox, watched);
}

export async function watchedMailbox(layout: HomeLayout): Promise<WatchedMailbox | undefined> {
  try {
    const watched = await readJson<WatchedMailbox>(layout.watchedMailbox);
    return typeof watched?.describe === 'string' ? watched : undefined;
  } catch {
    return undefined; // an unreadable record only loses the hint
  }
}

/** `--env-file FILE`: Node's own KEY=value reader; variables already set win. */
export function loadSettingsFile(file: string): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new AgentError('SETTING_REQUIRED', `--env-file ${file} cannot be read (${(error as Error).message}); give a KEY=value file the agent's user can read.`);
  }
}
