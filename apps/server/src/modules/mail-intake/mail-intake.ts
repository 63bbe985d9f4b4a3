import type { FastifyBaseLogger } from 'fastify';
import type { IncomingMailRow, MailOutcome } from './incoming-mail-repository.js';

export interface IngestedMail {
  raw: Buffer;
  /** SMTP envelope sender ('' for bounces). */
  envelopeFrom: string;
  recipient: string;
  /** The stored and claimed incoming_mail row, when the intake queue hands the message over (the handler records nothing itself). */
  record?: IncomingMailRow;
}

/** false: not mine (the next handler sees it). true or an outcome: taken (later handlers are skipped). */
export type MailIngestHandler = (mail: IngestedMail) => Promise<boolean | MailOutcome>;

export interface MailIngest {
  register(handler: MailIngestHandler): void;
  /** Runs the chain on a message that is not stored (a handler failure is logged, the next handler tries). */
  handle(mail: IngestedMail): Promise<boolean>;
  /** Runs the chain on a stored, claimed message and returns its outcome; a handler failure is thrown (the caller quarantines). */
  dispatch(record: IncomingMailRow): Promise<MailOutcome>;
}

/** A small chain of handlers for mail sent to the server's own address (status reports, then conversations). */
export function createMailIngest(log: FastifyBaseLogger): MailIngest {
  const handlers: MailIngestHandler[] = [];
  return {
    register: (handler) => void handlers.push(handler),
    async handle(mail) {
      for (const handler of handlers) {
        try {
          if (await handler(mail)) return true;
        } catch (error) {
          log.error({ err: error, component: 'mail-ingest' }, 'a mail handler failed');
        }
      }
      return false;
    },
    async dispatch(record) {
      const mail: IngestedMail = { raw: Buffer.from(record.raw), envelopeFrom: record.envelope_from, recipient: record.envelope_to[0] ?? '', record };
      for (const handler of handlers) {
        const taken = await handler(mail);
        if (taken === true) return { outcome: 'taken' };
        if (taken) return taken;
      }
      return { outcome: 'ignored:no-handler' };
    },
  };
}
