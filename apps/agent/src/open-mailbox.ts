import { openImapMailbox, openMaildir, type Mailbox } from '@marketplace/mail';
import { AgentError } from './agent-error.js';

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
