import { Splitter, type MimeNode } from '@zone-eu/mailsplit';
import { normalMessageId, readHeaders } from './headers.js';
import { DEFAULT_MAIL_LIMITS, type MailLimits } from './limits.js';
import { scanMimeStructure } from './mime-structure.js';

/** One recipient's fate in a delivery status notification (RFC 3464 §2.3). */
export interface DsnRecipient {
  /** Final-Recipient's address (the `rfc822;` type dropped), lower-cased; Original-Recipient's when the report has no Final-Recipient. */
  recipient: string;
  /** Original-Recipient's address (what the sender gave the first MTA), lower-cased, or null. */
  originalRecipient: string | null;
  /** failed, delayed, delivered, relayed or expanded. */
  action: string;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string | null;
  /** The remote server's words (Diagnostic-Code without its `smtp;` type). */
  diagnostic: string | null;
}

export interface DeliveryStatusReport {
  /** The Message-ID of the message the report is about, from its returned headers or message (or null). */
  originalMessageId: string | null;
  reportingMta: string | null;
  recipients: DsnRecipient[];
}

/** The most recipient blocks one report may carry (a real bounce names a handful). */
const MAX_DSN_RECIPIENTS = 100;
/**
 * A status part or returned header block larger than this is no DSN the server reads (a real one is a
 * few hundred bytes; returned headers a few KiB): the report is refused. Of a returned whole message
 * only this much of its start (its headers) is kept.
 */
const MAX_REPORT_PART_BYTES = 64 * 1024;

const STATUS_TYPE = /^message\/(global-)?delivery-status$/;
const HEADERS_TYPE = /^(text\/rfc822-headers|message\/global-headers)$/;
const MESSAGE_TYPE = /^message\/(rfc822|global)$/;
const REPORT_TYPE = /^\s*multipart\/report\b/i;
const DELIVERY_STATUS_REPORT = /report-type\s*=\s*"?delivery-status/i;

/** `rfc822; a@b` → `a@b`; trimmed, at most 1000 characters, null when empty. */
const typed = (value: string | undefined): string | null => {
  const text = value?.trim();
  if (!text) return null;
  const semi = text.indexOf(';');
  return (semi >= 0 ? text.slice(semi + 1) : text).trim().slice(0, 1000) || null;
};

type Fields = ReturnType<typeof readHeaders>['headers'];

/** The header blocks of a message/delivery-status body: the per-message block, then one per recipient. */
function headerBlocks(body: Buffer, maxHeaderBytes: number): Fields[] {
  const blocks: Fields[] = [];
  let rest = body;
  while (rest.length && blocks.length <= MAX_DSN_RECIPIENTS) {
    // blank lines between blocks
    const start = rest.findIndex((byte) => byte !== 0x0d && byte !== 0x0a);
    if (start < 0) break;
    rest = rest.subarray(start);
    // the last block may end without its blank line
    const block = readHeaders(Buffer.concat([rest, Buffer.from('\r\n\r\n')]), maxHeaderBytes);
    blocks.push(block.headers);
    if (!block.complete || block.length === 0) break;
    rest = rest.subarray(Math.min(block.length, rest.length));
  }
  return blocks;
}

type PartNode = InstanceType<typeof MimeNode>;
interface Part {
  node: PartNode;
  body: Buffer;
}

/** Content-Transfer-Encoding undone by mailsplit's own decoder (base64, quoted-printable). */
function decode(part: Part): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const decoder = part.node.getDecoder();
    const chunks: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    decoder.on('end', () => resolve(Buffer.concat(chunks)));
    decoder.on('error', reject);
    decoder.end(part.body);
  });
}

/** The report's status part, returned headers and the start of a returned message, split by mailsplit; null when a part is too large. */
function reportParts(raw: Buffer, limits: Readonly<MailLimits>): Promise<{ status?: Part; headers?: Part; message?: Part; embeddedMessageId?: string } | null> {
  return new Promise((resolve, reject) => {
    const splitter = new Splitter({ maxHeadSize: limits.maxHeaderBytes, maxChildNodes: limits.maxMimeParts });
    const bodies = new Map<PartNode, { parts: Buffer[]; size: number }>();
    let tooLarge = false;
    // mailsplit parses a returned message/rfc822 as a child node: its headers are that node's
    let embeddedMessageId: string | undefined;
    splitter.on('data', (chunk) => {
      if (chunk.type === 'node') {
        const node = chunk as PartNode;
        if (node.parentNode && node.parentNode.rfc822 && embeddedMessageId === undefined) embeddedMessageId = (node.headers && node.headers.getFirst('Message-ID')) || undefined;
        const type = typeof node.contentType === 'string' ? node.contentType : '';
        if (STATUS_TYPE.test(type) || HEADERS_TYPE.test(type) || MESSAGE_TYPE.test(type)) bodies.set(node, { parts: [], size: 0 });
      } else if (chunk.type === 'body' && 'value' in chunk) {
        const kept = bodies.get(chunk.node);
        if (!kept || tooLarge) return;
        if (kept.size + chunk.value.length > MAX_REPORT_PART_BYTES) {
          // a returned whole message is cut after its start; anything else that large is no DSN
          if (!MESSAGE_TYPE.test(chunk.node.contentType as string)) tooLarge = true;
          else kept.parts.push(chunk.value.subarray(0, MAX_REPORT_PART_BYTES - kept.size));
          kept.size = MAX_REPORT_PART_BYTES;
          return;
        }
        kept.parts.push(chunk.value);
        kept.size += chunk.value.length;
      }
    });
    (splitter as unknown as NodeJS.EventEmitter).on('error', reject);
    (splitter as unknown as NodeJS.EventEmitter).on('end', () => {
      if (tooLarge) return resolve(null);
      const found = [...bodies].map(([node, kept]) => ({ node, body: Buffer.concat(kept.parts) }));
      const of = (type: RegExp) => found.find((part) => type.test(part.node.contentType as string));
      const [status, headers, message] = [of(STATUS_TYPE), of(HEADERS_TYPE), of(MESSAGE_TYPE)];
      resolve({ ...(status ? { status } : {}), ...(headers ? { headers } : {}), ...(message ? { message } : {}), ...(embeddedMessageId ? { embeddedMessageId } : {}) });
    });
    splitter.end(raw);
  });
}

/** The Message-ID of the returned headers, else of the returned message's own header block. */
async function returnedMessageId(parts: { headers?: Part; message?: Part; embeddedMessageId?: string }, maxHeaderBytes: number): Promise<string | null> {
  const embedded = normalMessageId(parts.embeddedMessageId);
  if (embedded) return embedded;
  for (const part of [parts.headers, parts.message]) {
    if (!part?.body.length) continue;
    const id = normalMessageId(readHeaders(Buffer.concat([await decode(part), Buffer.from('\r\n\r\n')]), maxHeaderBytes).headers.first('Message-ID'));
    if (id) return id;
  }
  return null;
}

/**
 * Reads a delivery status notification: a `multipart/report; report-type=delivery-status` message
 * (RFC 3462/3464). mailsplit — the MIME splitter mailparser is built on — splits the parts and undoes
 * their transfer encoding; each status block is read by the header parser. The readable part is never
 * read (its words are the reporter's, not fields). Null when the mail is no DSN (a bounce written as
 * plain text has no status part), its structure is refused, or a report part is larger than a DSN can be.
 */
export async function parseDeliveryStatus(raw: Buffer, limits: Readonly<MailLimits> = DEFAULT_MAIL_LIMITS): Promise<DeliveryStatusReport | null> {
  const contentType = readHeaders(raw, limits.maxHeaderBytes).headers.first('Content-Type') ?? '';
  if (!REPORT_TYPE.test(contentType) || !DELIVERY_STATUS_REPORT.test(contentType)) return null;
  const scan = await scanMimeStructure(raw, limits);
  if (!scan.ok) return null;
  const parts = await reportParts(raw, limits).catch(() => null);
  if (!parts?.status) return null;
  const [perMessage, ...perRecipient] = headerBlocks(await decode(parts.status), limits.maxHeaderBytes);
  const recipients: DsnRecipient[] = [];
  for (const block of perRecipient) {
    const original = typed(block.first('Original-Recipient'))?.toLowerCase() ?? null;
    const recipient = typed(block.first('Final-Recipient'))?.toLowerCase() ?? original;
    const action = block.first('Action')?.trim().toLowerCase();
    if (!recipient || !action) continue;
    recipients.push({ recipient, originalRecipient: original, action: action.slice(0, 40), status: block.first('Status')?.trim().slice(0, 40) || null, diagnostic: typed(block.first('Diagnostic-Code')) });
  }
  return { originalMessageId: await returnedMessageId(parts, limits.maxHeaderBytes), reportingMta: typed(perMessage?.first('Reporting-MTA')), recipients };
}
