import { readFileSync } from 'node:fs';
import addressparser from 'nodemailer/lib/addressparser';
import { createMailSender, type DkimOptions, type MailSender } from '@marketplace/mail';
import type { Config } from '../../config/config.js';
import { serverAddress } from './embedded-mail-hub.js';

const dkimKeys = new Map<string, string>();

/** The DKIM signing settings when DKIM_* are set (the key file is read once). */
export function dkimFor(config: Config): DkimOptions | undefined {
  if (!config.dkim) return undefined;
  let privateKey = dkimKeys.get(config.dkim.privateKeyFile);
  if (!privateKey) {
    try {
      privateKey = readFileSync(config.dkim.privateKeyFile, 'utf8');
    } catch (error) {
      throw new Error(`DKIM_PRIVATE_KEY_FILE: cannot read ${config.dkim.privateKeyFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    dkimKeys.set(config.dkim.privateKeyFile, privateKey);
  }
  return { domainName: config.dkim.domainName, keySelector: config.dkim.keySelector, privateKey };
}

/**
 * Outgoing mail: the organisation's relay (SMTP_HOST …), or else the embedded mail hub at
 * MAIL_HUB_HOST:MAIL_HUB_PORT (default this machine, SMTP_LISTEN_PORT) — null when the hub's port is
 * chosen at random (SMTP_LISTEN_PORT=0, tests). With MAIL_TRANSPORT=gmail, the registered Gmail sender.
 */
export function mailSenderFor(config: Config, logger?: Parameters<typeof createMailSender>[0]['logger']): MailSender | null {
  // MAIL_TRANSPORT=gmail: the connected mailbox sends (registered at start); null until it is registered.
  if (config.mailTransport !== 'smtp') return transports.get(config) ?? null;
  if (!config.smtp.host && config.mailHub.port === 0) return null;
  const dkim = dkimFor(config);
  const common = { ...(logger ? { logger } : {}), ...(dkim ? { dkim } : {}) };
  return config.smtp.host
    ? createMailSender({ host: config.smtp.host, port: config.smtp.port, secure: config.smtp.secure, ...(config.smtp.user ? { user: config.smtp.user, pass: config.smtp.pass } : {}), ...common })
    : createMailSender({ host: config.mailHub.host, port: config.mailHub.port, ...common });
}

/** A Message-ID in SMTP_FROM's domain (`<id@domain>`), so From, Message-ID and a DKIM signature for that domain agree. */
export function messageIdFor(from: string, id: string): string {
  return `<${id}@${serverAddress(from).split('@')[1] || 'localhost'}>`;
}

/** SMTP_FROM as a From mailbox ("Marketplace <mp@acme.test>" → name and address; a bare address stays one). */
export function fromMailbox(from: string): string | { name: string; address: string } {
  const [first] = addressparser(from, { flatten: true });
  if (!first?.address) return serverAddress(from);
  return first.name ? { name: first.name, address: first.address.toLowerCase() } : first.address.toLowerCase();
}

/** Outgoing transports other than SMTP, per process configuration (the composition root registers the Gmail sender). */
const transports = new WeakMap<Config, MailSender>();

/** Makes `sender` the outgoing transport of every mailSenderFor(config) when MAIL_TRANSPORT is not smtp. */
export function registerOutgoingTransport(config: Config, sender: MailSender): void {
  transports.set(config, sender);
}
