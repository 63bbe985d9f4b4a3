import { readHeaders, type MailHeaders } from './headers.js';
import { DEFAULT_MAIL_LIMITS } from './limits.js';

export type IncomingKind = 'bounce' | 'auto-reply' | 'list' | 'normal';

export interface IncomingClass {
  kind: IncomingKind;
  /** Which header decided, for the log. */
  reason: string;
}

/**
 * Tells whether a message was written by a person ('normal') or by a machine: a delivery report
 * ('bounce'), an automatic answer ('auto-reply', RFC 3834) or a mailing list ('list'). The server
 * answers only 'normal' mail, so two robots never reply to each other forever.
 * `envelopeFrom` is the SMTP MAIL FROM when known ('' for the null reverse path).
 */
export function classifyIncoming(source: MailHeaders | Buffer, options: { envelopeFrom?: string } = {}): IncomingClass {
  const headers = Buffer.isBuffer(source) ? readHeaders(source, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers : source;
  const lower = (name: string): string[] => headers.get(name).map((value) => value.trim().toLowerCase());

  if (options.envelopeFrom === '' || options.envelopeFrom === '<>') return { kind: 'bounce', reason: 'null reverse path (MAIL FROM:<>)' };
  const returnPath = lower('Return-Path');
  if (returnPath.some((value) => value === '<>' || value === '')) return { kind: 'bounce', reason: 'Return-Path: <>' };
  const contentType = lower('Content-Type')[0] ?? '';
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(contentType)) {
    return { kind: 'bounce', reason: 'Content-Type: multipart/report; report-type=delivery-status' };
  }
  if (contentType.startsWith('message/delivery-status')) return { kind: 'bounce', reason: 'Content-Type: message/delivery-status' };
  if (headers.has('X-Failed-Recipients')) return { kind: 'bounce', reason: 'X-Failed-Recipients' };
  const from = lower('From')[0] ?? '';
  if (/(^|[<\s"])mailer-daemon@/.test(from)) return { kind: 'bounce', reason: 'From: MAILER-DAEMON' };

  const autoSubmitted = lower('Auto-Submitted')[0];
  if (autoSubmitted !== undefined && autoSubmitted.split(';')[0]?.trim() !== 'no') {
    return { kind: 'auto-reply', reason: `Auto-Submitted: ${autoSubmitted.split(';')[0]?.trim()}` };
  }
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?disposition-notification/.test(contentType)) {
    return { kind: 'auto-reply', reason: 'read receipt (disposition-notification)' };
  }
  for (const name of ['X-Autoreply', 'X-Autorespond', 'X-Autoresponder']) {
    if (headers.has(name)) return { kind: 'auto-reply', reason: name };
  }
  const suppress = lower('X-Auto-Response-Suppress')[0];
  if (suppress && /\b(all|oof|autoreply)\b/.test(suppress)) return { kind: 'auto-reply', reason: `X-Auto-Response-Suppress: ${suppress}` };
  const precedence = lower('Precedence')[0];
  if (precedence === 'auto_reply') return { kind: 'auto-reply', reason: 'Precedence: auto_reply' };

  if (headers.has('List-Id')) return { kind: 'list', reason: 'List-Id' };
  if (headers.has('List-Unsubscribe')) return { kind: 'list', reason: 'List-Unsubscribe' };
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') return { kind: 'list', reason: `Precedence: ${precedence}` };

  return { kind: 'normal', reason: 'no automatic-mail header' };
}
