import { MailError } from './mail-error.js';

/** Where handled mail goes, so the inbox holds only what is still to do (and mail that is not ours). */
export const PROCESSED_FOLDER = 'Marketplace/Processed';
export const REJECTED_FOLDER = 'Marketplace/Rejected';

/** A message in a mailbox. `id` is opaque and valid for the mailbox that listed it. */
export interface MessageRef {
  id: string;
  /** Size in bytes when the mailbox knows it without reading the message. */
  size?: number;
  receivedAt?: Date;
}

/**
 * One interface over a local Maildir and an IMAP account. `list` returns the messages still in the
 * inbox (handled ones have been moved out); reading never marks a message seen, so mail that is not
 * ours is left exactly as it was.
 */
export interface Mailbox {
  list(): Promise<MessageRef[]>;
  read(ref: MessageRef): Promise<Buffer>;
  /** Only the header block (cheap triage before reading a whole message). */
  readHeaders(ref: MessageRef): Promise<Buffer>;
  /** Moves a message out of the inbox; folders are '/'-separated and created when missing. */
  move(ref: MessageRef, folder: typeof PROCESSED_FOLDER | typeof REJECTED_FOLDER | string): Promise<void>;
  /** Calls `onChange` when mail may have arrived (and after a reconnect); returns a function that stops watching. */
  watch(onChange: () => void): () => void;
  close(): Promise<void>;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/;

/** Splits a folder name into its segments, refusing anything that could leave the mailbox (`..`, dots, slashes at the ends). */
export function folderSegments(folder: string): string[] {
  const segments = folder.split('/');
  if (folder.length > 200 || segments.length > 8 || !segments.every((segment) => SEGMENT.test(segment))) {
    throw new MailError(
      'INVALID_FOLDER',
      `Folder name "${folder.slice(0, 80)}" is not allowed: use '/'-separated names of letters, digits, spaces, '_' and '-', such as ${PROCESSED_FOLDER}.`,
    );
  }
  return segments;
}
