import { Splitter, type MimeNode } from '@zone-eu/mailsplit';
import { normalMessageId, readHeaders } from './headers.js';
import { DEFAULT_MAIL_LIMITS, type MailLimits } from './limits.js';
import { scanMimeStructure } from './mime-structure.js';

/** One recipient's fate in a delivery status notification (RFC 3464). */
export interface DsnRecipient {
  /** Final-Recipient's address (the `rfc822;` type dropped), lower-cased. */
  recipient: string;
  /** failed, delayed, delivered, relayed or expanded. */
  action: string;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string | null;
  /** The remote server's words (Diagnostic-Code without its `smtp;` type). */
  diagnostic: string | null;
}

export interface DeliveryStatusReport {
  /** The Message-ID of the message the report is about, from its returned headers (or null). */
  originalMessageId: string | null;
  reportingMta: string | null;
  recipients: DsnRecipient[];
}

/** The most recipient blocks one report may carry (a real bounce names a handful). */
const MAX_DSN_RECIPIENTS = 100;

const typed = (value: string | undefined): string | null => {
  const text = value?.trim();
  if (!text) return null;
  const semi = text.indexOf(';');
  return (semi >= 0 ? text.slice(semi + 1) : text).trim().slice(0, 1000) || null;
};

/** The header blocks of a message/delivery-status body: the per-message block, then one per recipient. */
function headerBlocks(body: Buffer, maxHeaderBytes: number): ReturnType<typeof readHeaders>['headers'][] {
  const blocks: ReturnType<typeof readHeaders>['headers'][] = [];
  let rest = body;
  while (rest.length && blocks.length <= MAX_DSN_RECIPIENTS) {
    // blank lines between blocks
    const start = rest.findIndex((byte) => byte !== 0x0d && byte !== 0x0a);
    if (start < 0) break;
    rest = rest.subarray(start);
    const block = readHeaders(rest, maxHeaderBytes);
    blocks.push(block.headers);
    if (!block.complete || block.length === 0) break;
    rest = rest.subarray(block.length);
  }
  return blocks;
}

type PartNode = InstanceType<typeof MimeNode>;

/** The most bytes of one part kept (a status part or returned headers are a few KiB). */
const MAX_PART_BYTES = 256 * 1024;

function decode(node: PartNode, body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const decoder = node.getDecoder();
    const chunks: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    decoder.on('end', () => resolve(Buffer.concat(chunks)));
    decoder.on('error', reject);
    decoder.end(body);
  });
}

/** The report's status part and returned headers, split by mailsplit (the structure is checked for limits first). */
function reportParts(raw: Buffer, limits: Readonly<MailLimits>): Promise<{ status?: { node: PartNode; body: Buffer }; headers?: { node: PartNode; body: Buffer }; embeddedMessageId?: string }> {
  return new Promise((resolve, reject) => {
    const splitter = new Splitter({ maxHeadSize: limits.maxHeaderBytes, maxChildNodes: limits.maxMimeParts });
    const bodies = new Map<PartNode, Buffer[]>();
    let embeddedMessageId: string | undefined;
    splitter.on('data', (chunk) => {
      if (chunk.type === 'node') {
        const node = chunk as PartNode;
        if (node.parentNode && node.parentNode.rfc822 && embeddedMessageId === undefined) embeddedMessageId = (node.headers && node.headers.getFirst('Message-ID')) || undefined;
        if (node.contentType && (STATUS_TYPE.test(node.contentType) || HEADERS_TYPE.test(node.contentType))) bodies.set(node, []);
      } else if (chunk.type === 'body' && 'value' in chunk) {
        const parts = bodies.get(chunk.node);
        if (parts && parts.reduce((n, b) => n + b.length, 0) < MAX_PART_BYTES) parts.push(chunk.value);
      }
    });
    (splitter as unknown as NodeJS.EventEmitter).on('error', reject);
    (splitter as unknown as NodeJS.EventEmitter).on('end', () => {
      const found = [...bodies].map(([node, parts]) => ({ node, body: Buffer.concat(parts) }));
      resolve({
        status: found.find((part) => STATUS_TYPE.test(part.node.contentType as string)),
        headers: found.find((part) => HEADERS_TYPE.test(part.node.contentType as string)),
        ...(embeddedMessageId ? { embeddedMessageId } : {}),
      });
    });
    splitter.end(raw);
  });
}

const STATUS_TYPE = /^message\/(global-)?delivery-status$/;
const HEADERS_TYPE = /^(text\/rfc822-headers|message\/global-headers|message\/rfc822|message\/global)$/;

/**
 * Reads a delivery status notification (multipart/report; report-type=delivery-status, RFC 3464):
 * mailsplit splits the MIME parts, the header parser reads the status fields of each block. Null
 * when the mail is no DSN or its structure is refused.
 */
export async function parseDeliveryStatus(raw: Buffer, limits: Readonly<MailLimits> = DEFAULT_MAIL_LIMITS): Promise<DeliveryStatusReport | null> {
  const scan = await scanMimeStructure(raw, limits);
  if (!scan.ok) return null;
  const parts = await reportParts(raw, limits).catch(() => null);
  if (!parts?.status) return null;
  const [perMessage, ...perRecipient] = headerBlocks(await decode(parts.status.node, parts.status.body), limits.maxHeaderBytes);
  const returnedId = (parts.headers?.body.length ? readHeaders(await decode(parts.headers.node, parts.headers.body), limits.maxHeaderBytes).headers.first('Message-ID') : undefined) ?? parts.embeddedMessageId;
  const recipients: DsnRecipient[] = [];
  for (const block of perRecipient) {
    const recipient = typed(block.first('Final-Recipient') ?? block.first('Original-Recipient'));
    const action = block.first('Action')?.trim().toLowerCase();
    if (!recipient || !action) continue;
    recipients.push({ recipient: recipient.toLowerCase(), action, status: block.first('Status')?.trim().slice(0, 40) ?? null, diagnostic: typed(block.first('Diagnostic-Code')) });
  }
  return { originalMessageId: normalMessageId(returnedId) ?? null, reportingMta: typed(perMessage?.first('Reporting-MTA')), recipients };
}
