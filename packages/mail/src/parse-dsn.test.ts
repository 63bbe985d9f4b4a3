import { describe, expect, it } from 'vitest';
import { DEFAULT_MAIL_LIMITS } from './limits.js';
import { parseDeliveryStatus } from './parse-dsn.js';
import { postfixDsn } from './testing/postfix-dsn.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));
/** A relay's report: a readable part that looks like fields, the status part, then what it returned. */
const report = (returned: string[], reportType = 'delivery-status', recipients = ['Final-Recipient: rfc822; gone@example.test', 'Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 User unknown']) =>
  crlf([
    'From: MAILER-DAEMON@relay.test',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=${reportType};`,
    '\tboundary="R"',
    '',
    '--R',
    'Content-Type: text/plain',
    '',
    'Action: delivered (a human text that must not count)',
    '',
    '--R',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; relay.test',
    '',
    ...recipients,
    '',
    '--R',
    ...returned,
    '--R--',
    '',
  ]);

describe('delivery status notifications', () => {
  it('reads a Postfix bounce: recipient, original recipient, action, status, the remote words and the original Message-ID', async () => {
    const parsed = await parseDeliveryStatus(Buffer.from(postfixDsn({ to: 'mp+b1@x.test', recipient: 'Nobody@Example.net', messageId: '<m1@x.test>' })));
    expect(parsed).toEqual({
      originalMessageId: '<m1@x.test>',
      reportingMta: 'mx.example.net',
      recipients: [{ recipient: 'nobody@example.net', originalRecipient: 'nobody@example.net', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <Nobody@Example.net>: Recipient address rejected: User unknown in virtual mailbox table' }],
    });
  });

  it('reads every recipient block, never the readable part, and the returned headers’ Message-ID', async () => {
    const parsed = await parseDeliveryStatus(
      report(['Content-Type: text/rfc822-headers', '', 'Message-ID: <campaign.1@mp.test>', 'Subject: Hello', ''], 'delivery-status', [
        'Final-Recipient: rfc822; gone@example.test',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
        '',
        'Original-Recipient: rfc822; Alias@Example.test',
        'Final-Recipient: rfc822; later@example.test',
        'Action: delayed',
        'Status: 4.4.7',
      ]),
    );
    expect(parsed).toEqual({
      originalMessageId: '<campaign.1@mp.test>',
      reportingMta: 'relay.test',
      recipients: [
        { recipient: 'gone@example.test', originalRecipient: null, action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' },
        { recipient: 'later@example.test', originalRecipient: 'alias@example.test', action: 'delayed', status: '4.4.7', diagnostic: null },
      ],
    });
  });

  it('reads a status part sent base64-encoded, and the Message-ID of a returned whole message', async () => {
    const status = Buffer.from('Reporting-MTA: dns; mx.b.test\r\n\r\nFinal-Recipient: rfc822; a@b.test\r\nAction: delayed\r\nStatus: 4.4.7\r\n').toString('base64');
    const raw = ['From: MAILER-DAEMON@b.test', 'To: mp@x.test', 'Subject: Delayed', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="zz"', '', '--zz', 'Content-Type: text/plain', '', 'delayed', '--zz', 'Content-Type: message/delivery-status', 'Content-Transfer-Encoding: base64', '', status, '--zz', 'Content-Type: message/rfc822', '', 'Message-ID: <orig@x.test>', 'Subject: hi', '', 'body', '--zz--', ''].join('\r\n');
    const parsed = await parseDeliveryStatus(Buffer.from(raw));
    expect(parsed).toMatchObject({ originalMessageId: '<orig@x.test>', recipients: [{ recipient: 'a@b.test', action: 'delayed', status: '4.4.7', diagnostic: null }] });
    const whole = await parseDeliveryStatus(report(['Content-Type: message/rfc822', '', 'Message-ID: <campaign.2@mp.test>', 'Subject: Hello', '', 'body', '']), DEFAULT_MAIL_LIMITS);
    expect(whole).toMatchObject({ originalMessageId: '<campaign.2@mp.test>', recipients: [{ action: 'failed' }] });
  });

  it('is null for a bounce with no DSN part, a report of another kind and plain mail', async () => {
    expect(await parseDeliveryStatus(Buffer.from('From: MAILER-DAEMON@b.test\r\nSubject: Undelivered Mail\r\n\r\nAction: failed\r\n'))).toBeNull();
    expect(await parseDeliveryStatus(report([], 'disposition-notification'))).toBeNull();
    const noStatusPart = crlf(['From: MAILER-DAEMON@relay.test', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="R"', '', '--R', 'Content-Type: text/plain', '', 'Action: failed', '--R--', '']);
    expect(await parseDeliveryStatus(noStatusPart)).toBeNull();
  });

  it('is null when a report part is larger than a DSN can be', async () => {
    expect(await parseDeliveryStatus(report(['Content-Type: text/rfc822-headers', '', `X-Filler: ${'a'.repeat(70 * 1024)}`, '']), DEFAULT_MAIL_LIMITS)).toBeNull();
  });
});
