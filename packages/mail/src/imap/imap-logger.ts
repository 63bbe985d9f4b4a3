import type { MailLogger } from '../logger.js';

interface ImapFlowEntry {
  msg?: string;
  [key: string]: unknown;
}

/** imapflow's protocol chatter goes to debug, its warnings and errors to warn: the mailbox logs what matters itself. */
export function imapLoggerFor(logger: MailLogger): { debug(entry: ImapFlowEntry): void; info(entry: ImapFlowEntry): void; warn(entry: ImapFlowEntry): void; error(entry: ImapFlowEntry): void } {
  const fields = (entry: ImapFlowEntry): Record<string, unknown> => {
    const { msg: _msg, ...rest } = entry;
    return { component: 'imapflow', ...rest };
  };
  return {
    debug: (entry) => logger.debug(fields(entry), entry.msg),
    info: (entry) => logger.debug(fields(entry), entry.msg),
    warn: (entry) => logger.warn(fields(entry), entry.msg),
    error: (entry) => logger.warn(fields(entry), entry.msg),
  };
}
