import { Headers as MimeHeaders } from '@zone-eu/mailsplit';

/** The headers that name our mail. Relays keep X- headers; the parsers look at nothing else to decide. */
export const MARKETPLACE_HEADERS = Object.freeze({
  /** `app@version` of the release a mail carries. */
  release: 'X-Marketplace-Release',
  /** The organisation slug that published the release. */
  org: 'X-Marketplace-Org',
  /** Hex sha256 of the bundle (a hint for triage; the signed release JSON is what the agent trusts). */
  bundleSha256: 'X-Marketplace-Bundle-Sha256',
  /** Where to download a bundle too large to attach. */
  bundleUrl: 'X-Marketplace-Bundle-Url',
  /** `app@version state` of an agent's status report. */
  status: 'X-Marketplace-Status',
  /** `ed25519 <base64>`: the agent's signature over the exact bytes of the attached status.json. */
  statusSignature: 'X-Marketplace-Status-Signature',
});

/** The longest Message-ID kept (the line limit of RFC 5322); a longer one counts as missing. */
export const MAX_MESSAGE_ID_LENGTH = 998;

/**
 * A Message-ID fit to store, compare and look up: trimmed, printable ASCII only (no NUL, 8-bit or
 * spaces), at most 998 characters; undefined for anything else (the caller makes its own id).
 */
export function normalMessageId(value: string | undefined): string | undefined {
  const id = value?.trim();
  return id && id.length <= MAX_MESSAGE_ID_LENGTH && /^[\x21-\x7e]+$/.test(id) ? id : undefined;
}

/** Unfolded header values by case-insensitive name, in message order. */
export interface MailHeaders {
  get(name: string): string[];
  first(name: string): string | undefined;
  has(name: string): boolean;
}

export interface HeaderBlock {
  headers: MailHeaders;
  /** False when the header block ran past the limit (or the message has no body separator); `headers` then holds what was read. */
  complete: boolean;
  /** Bytes of the header block, separator included. */
  length: number;
}

/**
 * Reads only the top-level header block of a raw message, at most `maxHeaderBytes` of it. This is
 * the cheap first look: a mailbox full of unrelated mail is classified here, before any body or
 * attachment is decoded.
 */
export function readHeaders(raw: Buffer, maxHeaderBytes: number): HeaderBlock {
  const window = raw.subarray(0, Math.min(raw.length, maxHeaderBytes));
  const end = findHeaderEnd(window);
  const complete = end !== -1;
  const block = complete ? window.subarray(0, end) : cutAtLastLine(window);
  const parsed = new MimeHeaders(block);
  return {
    complete,
    length: complete ? end : block.length,
    headers: {
      get: (name) => parsed.getDecoded(name).map((header) => header.value),
      first: (name) => parsed.getDecoded(name)[0]?.value,
      has: (name) => parsed.hasHeader(name),
    },
  };
}

/** Index just past the blank line that ends the header block (CRLF or bare LF), or -1. */
function findHeaderEnd(buffer: Buffer): number {
  if (buffer[0] === 0x0a) return 1;
  if (buffer[0] === 0x0d && buffer[1] === 0x0a) return 2;
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return -1;
  if (crlf === -1) return lf + 2;
  if (lf === -1) return crlf + 4;
  return Math.min(crlf + 4, lf + 2);
}

function cutAtLastLine(buffer: Buffer): Buffer {
  const lastNewline = buffer.lastIndexOf(0x0a);
  return lastNewline === -1 ? buffer.subarray(0, 0) : buffer.subarray(0, lastNewline + 1);
}
