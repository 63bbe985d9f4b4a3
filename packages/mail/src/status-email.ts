import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';
import { signWithDkim } from './dkim-sign.js';
import { MARKETPLACE_HEADERS } from './headers.js';
import { resolveLimits, type MailLimits } from './limits.js';
import { describeIssues, MailError } from './mail-error.js';
import { dkimOptionsSchema, mailboxSchema, messageIdSchema, recipientsSchema } from './mail-fields.js';
import { STATUS_FILE_NAME, statusReportSchema, type StatusReport } from './status-report.js';
import { invalid, parseWithinLimits, senderAddress, triageByHeader, type InvalidMail } from './untrusted-mail.js';

const statusEmailSchema = z
  .object({
    from: mailboxSchema,
    to: recipientsSchema,
    messageId: messageIdSchema,
    date: z.date().optional(),
    status: statusReportSchema,
    dkim: dkimOptionsSchema.optional(),
  })
  .strict();

export type StatusEmailOptions = z.input<typeof statusEmailSchema>;

/** Builds an agent's status report as mail: a readable body, `status.json` attached, `X-Marketplace-Status: app@version state`. */
export async function buildStatusEmail(options: StatusEmailOptions): Promise<Buffer> {
  const parsed = statusEmailSchema.safeParse(options);
  if (!parsed.success) throw new MailError('INVALID_OPTIONS', `Cannot build the status email: ${describeIssues(parsed.error.issues)}`);
  const { status } = parsed.data;
  const lines = [`${status.app} ${status.version} is ${status.state} on agent ${status.agentId} (${status.at}).`];
  if (status.reason) lines.push(`Reason (${status.reason.code}): ${status.reason.message}`);
  if (status.health) lines.push(`Health check: ${status.health.ok ? 'passing' : 'failing'}${status.health.detail ? ` (${status.health.detail})` : ''}`);
  lines.push('', `The attached ${STATUS_FILE_NAME} carries the same report for the marketplace server.`);
  const composer = new MailComposer({
    from: parsed.data.from,
    to: parsed.data.to,
    subject: `${status.app} ${status.version}: ${status.state} on ${status.agentId}`,
    messageId: parsed.data.messageId,
    date: parsed.data.date ?? new Date(),
    inReplyTo: status.releaseMessageId,
    references: status.releaseMessageId,
    headers: { [MARKETPLACE_HEADERS.status]: statusHeaderValue(status), 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    text: lines.join('\n'),
    attachments: [{ filename: STATUS_FILE_NAME, content: Buffer.from(JSON.stringify(status, null, 2)), contentType: 'application/json' }],
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  });
  const raw = await composer.compile().build();
  return parsed.data.dkim ? signWithDkim(raw, parsed.data.dkim) : raw;
}

export interface ParsedStatusEmail {
  kind: 'status';
  status: StatusReport;
  from: string | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
}

export type StatusEmailParseResult = ParsedStatusEmail | { kind: 'not-status' } | InvalidMail;

/** Reads a status report sent by an agent; mail without `X-Marketplace-Status` is 'not-status' after a look at its headers. */
export async function parseStatusEmail(raw: Buffer, options: { limits?: Partial<MailLimits> } = {}): Promise<StatusEmailParseResult> {
  const limits = resolveLimits(options.limits);
  const triage = triageByHeader(raw, MARKETPLACE_HEADERS.status, limits);
  if (triage.kind === 'not-ours') return { kind: 'not-status' };
  if (triage.kind === 'invalid') return triage;
  if (triage.markers.length > 1) return invalid('INVALID_HEADERS', `It has ${triage.markers.length} ${MARKETPLACE_HEADERS.status} headers; one report per email.`);

  const parsed = await parseWithinLimits(raw, limits);
  if (parsed.kind === 'invalid') return parsed;
  const files = parsed.mail.attachments.filter((attachment) => attachment.filename === STATUS_FILE_NAME);
  if (files.length !== 1 || !files[0]) {
    return invalid('MISSING_STATUS_ATTACHMENT', `It must carry exactly one ${STATUS_FILE_NAME} attachment: found ${files.length}.`);
  }
  if (files[0].size > limits.maxStatusJsonBytes) return invalid('TOO_LARGE', `Its ${STATUS_FILE_NAME} is ${files[0].size} bytes, over the limit of ${limits.maxStatusJsonBytes}.`);
  let json: unknown;
  try {
    json = JSON.parse(files[0].content.toString('utf8'));
  } catch (error) {
    return invalid('INVALID_STATUS', `Its ${STATUS_FILE_NAME} is not JSON: ${(error as Error).message}.`);
  }
  const status = statusReportSchema.safeParse(json);
  if (!status.success) return invalid('INVALID_STATUS', `Its ${STATUS_FILE_NAME} is not a status report: ${describeIssues(status.error.issues)}.`);
  if (triage.markers[0] !== statusHeaderValue(status.data)) {
    return invalid('INVALID_STATUS', `Its ${MARKETPLACE_HEADERS.status} header says "${triage.markers[0]}" but ${STATUS_FILE_NAME} says "${statusHeaderValue(status.data)}".`);
  }
  return { kind: 'status', status: status.data, from: senderAddress(parsed.mail), messageId: parsed.mail.messageId, inReplyTo: parsed.mail.inReplyTo };
}

function statusHeaderValue(status: StatusReport): string {
  return `${status.app}@${status.version} ${status.state}`;
}
