import { createHash } from 'node:crypto';

/**
 * A delivery status notification as Postfix writes it (bounce(8): multipart/report with a readable
 * part, message/delivery-status and text/rfc822-headers), addressed to `to` (the VERP bounce address)
 * about `recipient` and the message `messageId`.
 */
export function postfixDsn(input: { to: string; recipient: string; messageId: string; status?: string; diagnostic?: string; action?: 'failed' | 'delayed' }): string {
  const boundary = 'B1F2C3D4E5.1733500000/mx.example.net';
  const action = input.action ?? 'failed';
  const status = input.status ?? '5.1.1';
  const diagnostic = input.diagnostic ?? `smtp; 550 5.1.1 <${input.recipient}>: Recipient address rejected: User unknown in virtual mailbox table`;
  return [
    'Return-Path: <>',
    'Received: by mx.example.net (Postfix) id B1F2C3D4E5; Sun,  6 Dec 2026 19:20:00 +0000 (UTC)',
    'Date: Sun,  6 Dec 2026 19:20:00 +0000 (UTC)',
    'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
    'Subject: Undelivered Mail Returned to Sender',
    `To: ${input.to}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    'Content-Transfer-Encoding: 8bit',
    `Message-Id: <20261206192000.${createHash('sha256').update(`${input.messageId} ${input.recipient} ${action}`).digest('hex').slice(0, 12)}@mx.example.net>`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.net.',
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients.',
    '',
    `<${input.recipient}>: host mx.example.net said: 550 5.1.1 User unknown`,
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    'X-Postfix-Queue-ID: B1F2C3D4E5',
    `X-Postfix-Sender: rfc822; ${input.to}`,
    'Arrival-Date: Sun,  6 Dec 2026 19:19:59 +0000 (UTC)',
    '',
    `Final-Recipient: rfc822; ${input.recipient}`,
    `Original-Recipient: rfc822;${input.recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    'Remote-MTA: dns; mx.example.net',
    `Diagnostic-Code: ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Return-Path: <${input.to}>`,
    `Message-ID: ${input.messageId}`,
    'Subject: Reset your marketplace password',
    `To: ${input.recipient}`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
