import { DEFAULT_MAIL_LIMITS, isMailError, PROCESSED_FOLDER, readHeaders, type Mailbox } from '@marketplace/mail';

const addressIn = (value: string | undefined) => {
  if (value === undefined) return undefined;
  const bracketed = /<([^>]*)>/.exec(value);
  return (bracketed ? bracketed[1]! : value).trim().toLowerCase();
};

/**
 * The envelope of a message a mailbox holds (IMAP, Maildir, Gmail): Return-Path is the envelope sender
 * the delivering server recorded ('' for bounces), else the From address; Delivered-To, else `ownAddress`.
 */
export function mailboxEnvelope(raw: Buffer, ownAddress: string): { from: string; to: string[] } {
  const { headers } = readHeaders(raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes);
  const from = addressIn(headers.first('Return-Path')) ?? addressIn(headers.first('From')) ?? '';
  const to = addressIn(headers.first('Delivered-To')) ?? ownAddress;
  return { from, to: [to] };
}

/** Processes one message taken from a service mailbox; outcome 'error' leaves it in the inbox for the next pass. */
export type MailboxMessageHandler<R extends { outcome: string }> = (raw: Buffer, envelope: { from: string; to: string[] }) => Promise<R>;

/**
 * Polls a service mailbox (IMAP or Maildir): each message is handed to `handle` (which stores and
 * processes it), and only then moved to Marketplace/Processed, so a crash in between leaves it in
 * the inbox (read again; the Message-ID makes the second pass a no-op). Call it from
 * `mailbox.watch()` (IMAP IDLE) and on a timer. `ownAddress` is the recipient when Delivered-To is absent.
 */
export async function pollMailbox<R extends { outcome: string }>(mailbox: Mailbox, ownAddress: string, handle: MailboxMessageHandler<R>): Promise<R[]> {
  const results: R[] = [];
  for (const ref of await mailbox.list()) {
    const raw = await mailbox.read(ref);
    const result = await handle(raw, mailboxEnvelope(raw, ownAddress));
    if (result.outcome === 'error') continue; // stays in the inbox and is retried on the next pass
    try {
      await mailbox.move(ref, PROCESSED_FOLDER);
    } catch (error) {
      // an overlapping pass (IDLE and the timer) moved it first
      if (!(isMailError(error) && error.code === 'MESSAGE_NOT_FOUND')) throw error;
    }
    results.push(result);
  }
  return results;
}
