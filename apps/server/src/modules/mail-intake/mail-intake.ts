import type { IncomingMailRow, MailOutcome } from './incoming-mail-repository.js';

export interface IngestedMail {
  raw: Buffer;
  /** SMTP envelope sender ('' for bounces). */
  envelopeFrom: string;
  recipient: string;
  /** The stored and claimed incoming_mail row the intake queue hands over (the handler records nothing itself: it returns the outcome). */
  record: IncomingMailRow;
}

/** false: not mine (the next handler sees it). true or an outcome: taken (later handlers are skipped). */
export type MailIngestHandler = (mail: IngestedMail) => Promise<boolean | MailOutcome>;

export interface MailIngest {
  register(handler: MailIngestHandler): void;
  /** Runs the chain on a stored, claimed message (`raw`: its content) and returns its outcome; a handler failure is thrown (the caller decides: retry or quarantine). */
  dispatch(record: IncomingMailRow, raw: Buffer): Promise<MailOutcome>;
}

/** A small chain of handlers for mail sent to the server's own address (status reports, then conversations). */
export function createMailIngest(): MailIngest {
  const handlers: MailIngestHandler[] = [];
  return {
    register: (handler) => void handlers.push(handler),
    async dispatch(record, raw) {
      const mail: IngestedMail = { raw, envelopeFrom: record.envelope_from, recipient: record.envelope_to[0] ?? '', record };
      for (const handler of handlers) {
        const taken = await handler(mail);
        if (taken === true) return { outcome: 'taken' };
        if (taken) return taken;
      }
      return { outcome: 'ignored:no-handler' };
    },
  };
}
