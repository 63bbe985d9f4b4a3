import { open } from 'node:fs/promises';
import { isIP } from 'node:net';

/** The SMTP envelope of one stored copy: who sent it, to whom, from which client, when. */
export interface HubEnvelope {
  /** MAIL FROM ('' for the null sender). */
  from: string;
  /** The RCPT TO of this copy (lower case). */
  recipient: string;
  /** The client's IP address ('' when unknown). */
  clientAddress: string;
  receivedAt: Date;
}

const HEAD_BYTES = 4096;
const clean = (value: string) => value.replace(/[^\x21-\x7e]/g, '').replace(/[<>;()]/g, '');

/**
 * The hub's own header lines, written before the message in the same file and fsynced with it
 * before the 250: `Return-Path` (MAIL FROM), `Delivered-To` (RCPT TO) and a `Received` line with
 * the client's address and the time to the millisecond. Recovery reads them back with readHubEnvelope.
 */
export function hubEnvelopeHeader(envelope: HubEnvelope, helo: string): Buffer {
  const client = isIP(envelope.clientAddress) ? envelope.clientAddress : '';
  const heloName = clean(helo).slice(0, 255) || 'unknown';
  return Buffer.from(
    `Return-Path: <${clean(envelope.from)}>\r\n` +
      `Delivered-To: ${clean(envelope.recipient)}\r\n` +
      `Received: from ${heloName} ([${client}]) by marketplace-mail-hub with ESMTP for <${clean(envelope.recipient)}>; ${envelope.receivedAt.toUTCString()}; at=${envelope.receivedAt.toISOString()}\r\n`,
  );
}

const PATTERN = /^Return-Path: <([^<>\r\n]*)>\r\nDelivered-To: ([^\r\n]+)\r\nReceived: from \S+ \(\[([0-9a-fA-F.:]*)\]\) by marketplace-mail-hub with ESMTP for <[^>\r\n]*>; [^;\r\n]*; at=([0-9T:.Z-]+)\r\n/;

/** A stored copy's envelope and how many bytes of the file the hub's lines take (the message follows them). */
export type ParsedHubEnvelope = HubEnvelope & { headerBytes: number };

/** Parses the hub's header lines at the very start of `head`; null when the file was not written by the hub. */
export function parseHubEnvelope(head: Buffer): ParsedHubEnvelope | null {
  const match = PATTERN.exec(head.subarray(0, HEAD_BYTES).toString('latin1'));
  if (!match) return null;
  const receivedAt = new Date(match[4]!);
  if (Number.isNaN(receivedAt.getTime())) return null;
  return { from: match[1]!.toLowerCase(), recipient: match[2]!.toLowerCase(), clientAddress: match[3]!, receivedAt, headerBytes: match[0].length };
}

/** Reads the envelope of a stored copy from its first few KiB (the message itself is not read). */
export async function readHubEnvelope(path: string): Promise<ParsedHubEnvelope | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
    return parseHubEnvelope(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
