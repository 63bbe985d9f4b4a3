import { describe, expect, it } from 'vitest';
import { parseDeliveryStatus } from './parse-dsn.js';
import { postfixDsn } from './testing/postfix-dsn.js';

describe('delivery status notifications', () => {
  it('reads a Postfix bounce: recipient, action, status, the remote words and the original Message-ID', async () => {
    const report = await parseDeliveryStatus(Buffer.from(postfixDsn({ to: 'mp+bounce-abc@x.test', recipient: 'Nobody@Example.net', messageId: '<m1@x.test>' })));
    expect(report).toEqual({
      originalMessageId: '<m1@x.test>',
      reportingMta: 'mx.example.net',
      recipients: [{ recipient: 'nobody@example.net', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <Nobody@Example.net>: Recipient address rejected: User unknown in virtual mailbox table' }],
    });
  });

  it('reads a status part sent base64-encoded, and the Message-ID of a returned whole message', async () => {
    const status = Buffer.from('Reporting-MTA: dns; mx.b.test\r\n\r\nFinal-Recipient: rfc822; a@b.test\r\nAction: delayed\r\nStatus: 4.4.7\r\n').toString('base64');
    const raw = ['From: MAILER-DAEMON@b.test', 'To: mp@x.test', 'Subject: Delayed', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="zz"', '', '--zz', 'Content-Type: text/plain', '', 'delayed', '--zz', 'Content-Type: message/delivery-status', 'Content-Transfer-Encoding: base64', '', status, '--zz', 'Content-Type: message/rfc822', '', 'Message-ID: <orig@x.test>', 'Subject: hi', '', 'body', '--zz--', ''].join('\r\n');
    const report = await parseDeliveryStatus(Buffer.from(raw));
    expect(report).toMatchObject({ originalMessageId: '<orig@x.test>', recipients: [{ recipient: 'a@b.test', action: 'delayed', status: '4.4.7', diagnostic: null }] });
  });

  it('is null for a mail that is no delivery report', async () => {
    expect(await parseDeliveryStatus(Buffer.from('From: a@b.test\r\nSubject: Undelivered Mail\r\n\r\nfailed\r\n'))).toBeNull();
  });
});
