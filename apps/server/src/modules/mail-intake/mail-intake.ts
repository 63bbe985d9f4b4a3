import type { FastifyBaseLogger } from 'fastify';

export interface IngestedMail {
  raw: Buffer;
  /** SMTP envelope sender ('' for bounces). */
  envelopeFrom: string;
  recipient: string;
}

/** Returns true when it took the message (later handlers are skipped). */
export type MailIngestHandler = (mail: IngestedMail) => Promise<boolean>;

export interface MailIngest {
  register(handler: MailIngestHandler): void;
  handle(mail: IngestedMail): Promise<boolean>;
}

/** A small chain of handlers for mail sent to the server's own address (status reports now, conversations later). */
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
  };
}
