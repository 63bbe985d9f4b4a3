import { Splitter } from '@zone-eu/mailsplit';
import { normalMessageId, readHeaders } from './headers.js';
import type { MailLimits } from './limits.js';

/** What a delivery status notification (RFC 3464) says about the first recipient it reports. */
export interface DeliveryReport {
  /** failed, delayed, delivered, relayed or expanded (lower-cased). */
  action: string;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string;
  diagnostic: string;
  /** The address that failed, without its address-type prefix. */
  finalRecipient: string;
  /** The Message-ID of the mail it reports on, from the returned headers or message (if the reporter returned them). */
  originalMessageId: string | undefined;
}

/** A report part (or returned headers) larger than this is not a DSN the server reads: it stops there. */
const MAX_REPORT_PART_BYTES = 64 * 1024;

interface SplitterNode {
  contentType: string | false;
  encoding: string | false;
}

/** The report itself, and the returned headers or message. */
const REPORT_PARTS = new Set(['message/delivery-status', 'message/global-delivery-status', 'text/rfc822-headers', 'message/rfc822']);
const fieldsOf = (text: string) => readHeaders(Buffer.from(`${text.trim()}\r\n\r\n`), MAX_REPORT_PART_BYTES).headers;
const decode = (node: SplitterNode, body: Buffer) => (node.encoding === 'base64' ? Buffer.from(body.toString('latin1'), 'base64') : body);
const withoutType = (value: string) => value.replace(/^[^;]*;\s*/, '').trim();

/**
 * Reads a multipart/report; report-type=delivery-status message with mailsplit (no decoding of
 * anything else): the delivery-status part's first recipient block, and the Message-ID of the
 * returned headers (text/rfc822-headers) or message (message/rfc822). Null for any other message,
 * or when the report part is missing or too large.
 */
export function readDeliveryReport(raw: Buffer, limits: Pick<Readonly<MailLimits>, 'maxHeaderBytes' | 'maxMimeParts'>): Promise<DeliveryReport | null> {
  const top = readHeaders(raw, limits.maxHeaderBytes).headers.first('Content-Type') ?? '';
  if (!/^\s*multipart\/report\b/i.test(top) || !/report-type\s*=\s*"?delivery-status/i.test(top)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const splitter = new Splitter({ maxHeadSize: limits.maxHeaderBytes, maxChildNodes: limits.maxMimeParts });
    const bodies = new Map<SplitterNode, Buffer[]>();
    let returnedId: string | undefined;
    let tooLarge = false;
    let settled = false;
    const finish = (report: DeliveryReport | null) => {
      if (settled) return;
      settled = true;
      resolve(report);
    };
    splitter.on('data', (chunk: { type: string; node?: SplitterNode; value?: Buffer }) => {
      if (chunk.type === 'node') {
        const node = chunk as unknown as SplitterNode;
        if (node.contentType && REPORT_PARTS.has(node.contentType)) bodies.set(node, []);
        return;
      }
      if (chunk.type !== 'body' || !chunk.node || !chunk.value) return;
      const parts = bodies.get(chunk.node);
      if (!parts) return;
      const size = parts.reduce((sum, part) => sum + part.length, 0);
      // of a returned whole message only its start is read (its headers)
      if (chunk.node.contentType === 'message/rfc822') return void (size < MAX_REPORT_PART_BYTES && parts.push(chunk.value));
      parts.push(chunk.value);
      if (size + chunk.value.length > MAX_REPORT_PART_BYTES) {
        tooLarge = true;
        splitter.destroy();
      }
    });
    const events = splitter as unknown as NodeJS.EventEmitter;
    events.on('error', () => finish(null));
    events.on('close', () => !tooLarge || finish(null));
    events.on('end', () => {
      if (tooLarge) return finish(null);
      let status: string | undefined;
      for (const [node, parts] of bodies) {
        const text = decode(node, Buffer.concat(parts)).toString('utf8');
        if (node.contentType === 'text/rfc822-headers' || node.contentType === 'message/rfc822') returnedId ??= normalMessageId(fieldsOf(text).first('Message-ID'));
        else status ??= text;
      }
      if (status === undefined) return finish(null);
      // per-message fields, then one block per recipient (RFC 3464 §2.1)
      const blocks = status.split(/\r?\n[ \t]*\r?\n/).filter((block) => block.trim());
      const recipient = fieldsOf(blocks[1] ?? '');
      finish({
        action: (recipient.first('Action') ?? '').trim().toLowerCase(),
        status: (recipient.first('Status') ?? '').trim(),
        diagnostic: withoutType(recipient.first('Diagnostic-Code') ?? ''),
        finalRecipient: withoutType(recipient.first('Final-Recipient') ?? ''),
        originalMessageId: returnedId,
      });
    });
    splitter.end(raw);
  });
}
