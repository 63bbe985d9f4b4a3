import { describe, expect, it } from 'vitest';
import { readDeliveryReport } from './delivery-report.js';
import { DEFAULT_MAIL_LIMITS } from './limits.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const report = (returned: string[], reportType = 'delivery-status') =>
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
    'Final-Recipient: rfc822; gone@example.test',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    '--R',
    ...returned,
    '--R--',
    '',
  ]);

describe('readDeliveryReport', () => {
  it('reads the recipient block and the returned headers’ Message-ID', async () => {
    const dsn = await readDeliveryReport(report(['Content-Type: text/rfc822-headers', '', 'Message-ID: <campaign.1@mp.test>', 'Subject: Hello', '']), DEFAULT_MAIL_LIMITS);
    expect(dsn).toEqual({ action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', finalRecipient: 'gone@example.test', originalMessageId: '<campaign.1@mp.test>' });
  });

  it('reads the Message-ID of a returned whole message', async () => {
    const dsn = await readDeliveryReport(report(['Content-Type: message/rfc822', '', 'Message-ID: <campaign.2@mp.test>', 'Subject: Hello', '', 'body', '']), DEFAULT_MAIL_LIMITS);
    expect(dsn?.originalMessageId).toBe('<campaign.2@mp.test>');
    expect(dsn?.action).toBe('failed');
  });

  it('is null for a report of another kind and for plain mail', async () => {
    expect(await readDeliveryReport(report([], 'disposition-notification'), DEFAULT_MAIL_LIMITS)).toBeNull();
    expect(await readDeliveryReport(crlf(['Subject: hi', '', 'Action: failed', '']), DEFAULT_MAIL_LIMITS)).toBeNull();
  });

  it('is null when the report part is larger than a DSN can be', async () => {
    expect(await readDeliveryReport(report(['Content-Type: text/rfc822-headers', '', `X-Filler: ${'a'.repeat(70 * 1024)}`, '']), DEFAULT_MAIL_LIMITS)).toBeNull();
  });
});
