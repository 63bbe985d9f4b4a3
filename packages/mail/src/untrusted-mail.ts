import type { Attachment, ParsedMail } from 'mailparser';
import { readHeaders, type MailHeaders } from './headers.js';
import type { MailLimits } from './limits.js';
import { scanMimeStructure } from './mime-structure.js';

/** Why a message that claims to be ours cannot be used. Stable codes; the message says what was wrong. */
export type InvalidMailCode =
  | 'MALFORMED_MIME'
  | 'INVALID_HEADERS'
  | 'MISSING_RELEASE_ATTACHMENT'
  | 'INVALID_RELEASE_JSON'
  | 'MISSING_BUNDLE'
  | 'BUNDLE_MISMATCH'
  | 'MULTIPLE_RELEASES'
  | 'MISSING_STATUS_ATTACHMENT'
  | 'INVALID_STATUS'
  | 'TOO_LARGE';

/** mailparser, loaded with the first mail that is parsed (see parseWithinLimits). */
let mailparser: Promise<typeof import('mailparser')> | undefined;

export interface InvalidMail {
  kind: 'invalid';
  code: InvalidMailCode;
  message: string;
}

export function invalid(code: InvalidMailCode, message: string): InvalidMail {
  return { kind: 'invalid', code, message };
}

/**
 * The cheap first step for every parser: read the top-level headers only and decide whether the
 * message carries `markerHeader` at all. Unrelated mail stops here ('not-ours') without a MIME
 * parse; ours is checked against the size limits before anything is decoded.
 */
export function triageByHeader(
  raw: Buffer,
  markerHeader: string,
  limits: Readonly<MailLimits>,
): { kind: 'not-ours' } | InvalidMail | { kind: 'candidate'; headers: MailHeaders; markers: string[] } {
  const block = readHeaders(raw, limits.maxHeaderBytes);
  const markers = block.headers.get(markerHeader);
  if (markers.length === 0) return { kind: 'not-ours' };
  if (!block.complete) {
    return raw.length >= limits.maxHeaderBytes
      ? invalid('TOO_LARGE', `Its header block is longer than the limit of ${limits.maxHeaderBytes} bytes.`)
      : invalid('MALFORMED_MIME', 'No blank line ends its header block, so it has no body.');
  }
  if (raw.length > limits.maxMessageBytes) {
    return invalid('TOO_LARGE', `It is ${raw.length} bytes, over the limit of ${limits.maxMessageBytes} bytes.`);
  }
  return { kind: 'candidate', headers: block.headers, markers };
}

/**
 * Full MIME parse of a candidate, after the structure scan has checked parts, depth and attachments.
 * `htmlToText`: fill `text` from an HTML-only body (mail people write; release and status mail never need it).
 */
export async function parseWithinLimits(raw: Buffer, limits: Readonly<MailLimits>, options: { htmlToText?: boolean } = {}): Promise<{ kind: 'parsed'; mail: ParsedMail } | InvalidMail> {
  const scan = await scanMimeStructure(raw, limits);
  if (!scan.ok) return invalid(scan.code, `Its MIME structure was refused: ${scan.message}.`);
  try {
    const parserOptions = {
      skipHtmlToText: !options.htmlToText,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      // passed through to mailsplit's splitter
      maxHeadSize: limits.maxHeaderBytes,
      maxChildNodes: limits.maxMimeParts,
    };
    // mailparser (and its charset tables) loads with the first mail, not at start-up; once: a dynamic
    // import of a loaded module still resolves its specifier again (≈ 0.5 ms a mail under a loader hook).
    const { simpleParser } = await (mailparser ??= import('mailparser').catch((error: unknown) => {
      mailparser = undefined; // a failed load is tried again with the next mail
      throw error;
    }));
    const mail = await simpleParser(raw, parserOptions);
    return { kind: 'parsed', mail };
  } catch (error) {
    return invalid('MALFORMED_MIME', `It cannot be parsed as MIME: ${(error as Error).message}.`);
  }
}

export function attachmentsEndingWith(mail: ParsedMail, suffix: string): Attachment[] {
  return mail.attachments.filter((attachment) => attachment.filename?.toLowerCase().endsWith(suffix));
}

export function senderAddress(mail: ParsedMail): string | undefined {
  return mail.from?.value[0]?.address || undefined;
}
