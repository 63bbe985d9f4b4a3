import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import * as z from 'zod';
import { signWithDkim } from './dkim-sign.js';
import { MARKETPLACE_HEADERS } from './headers.js';
import { resolveLimits, type MailLimits } from './limits.js';
import { describeIssues, MailError } from './mail-error.js';
import { dkimOptionsSchema, mailboxSchema, messageIdSchema, recipientsSchema } from './mail-fields.js';
import { STATUS_FILE_NAME, statusReportSchema, type StatusReport } from './status-report.js';
import { invalid, parseWithinLimits, senderAddress, triageByHeader, type InvalidMail } from './untrusted-mail.js';
import { lazySchema } from '@marketplace/release';

const statusEmailSchema = lazySchema(() =>
  z
    .object({
      from: mailboxSchema,
      to: recipientsSchema,
      messageId: messageIdSchema,
      date: z.date().optional(),
      status: statusReportSchema,
      dkim: dkimOptionsSchema.optional(),
      /** The agent's Ed25519 report key (PKCS#8 PEM): signs status.json so the server can tell the report is the agent's. */
      signingKey: z.string().min(1).max(10_000).optional(),
    })
    .strict(),
);

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
  const json = Buffer.from(JSON.stringify(status, null, 2));
  let signature: string | undefined;
  if (parsed.data.signingKey) {
    let key;
    try {
      key = createPrivateKey(parsed.data.signingKey);
    } catch (error) {
      throw new MailError('INVALID_OPTIONS', `Cannot sign the status email: the signing key is not a PEM private key (${(error as Error).message}).`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new MailError('INVALID_OPTIONS', `Cannot sign the status email: the signing key is ${key.asymmetricKeyType}, not Ed25519.`);
    signature = `ed25519 ${sign(null, json, key).toString('base64')}`;
  }
  // nodemailer loads on the first status mail, not at start-up (the deploy agent mostly waits).
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: parsed.data.from,
    to: parsed.data.to,
    subject: `${status.app} ${status.version}: ${status.state} on ${status.agentId}`,
    messageId: parsed.data.messageId,
    date: parsed.data.date ?? new Date(),
    inReplyTo: status.releaseMessageId,
    references: status.releaseMessageId,
    headers: { [MARKETPLACE_HEADERS.status]: statusHeaderValue(status), ...(signature ? { [MARKETPLACE_HEADERS.statusSignature]: signature } : {}), 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    text: lines.join('\n'),
    attachments: [{ filename: STATUS_FILE_NAME, content: json, contentType: 'application/json' }],
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
  /** The exact bytes of status.json (what the signature covers). */
  statusJson: Buffer;
  /** The X-Marketplace-Status-Signature header, when the agent signed the report. */
  signature: string | undefined;
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
  const signatures = triage.headers.get(MARKETPLACE_HEADERS.statusSignature);
  if (signatures.length > 1) return invalid('INVALID_HEADERS', `It has ${signatures.length} ${MARKETPLACE_HEADERS.statusSignature} headers; one signature per report.`);
  return {
    kind: 'status',
    status: status.data,
    from: senderAddress(parsed.mail),
    messageId: parsed.mail.messageId,
    inReplyTo: parsed.mail.inReplyTo,
    statusJson: files[0].content,
    signature: signatures[0]?.trim(),
  };
}

/**
 * Checks a parsed status mail's signature against the agent's Ed25519 public key (SPKI PEM).
 * Returns 'unsigned', 'invalid' (malformed or not made with that key) or 'valid'.
 */
export function verifyStatusSignature(parsed: Pick<ParsedStatusEmail, 'statusJson' | 'signature'>, publicKeyPem: string): 'unsigned' | 'invalid' | 'valid' {
  if (!parsed.signature) return 'unsigned';
  const match = /^ed25519 ([A-Za-z0-9+/]{86}==)$/.exec(parsed.signature);
  if (!match) return 'invalid';
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return 'invalid';
    return verify(null, parsed.statusJson, key, Buffer.from(match[1]!, 'base64')) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

function statusHeaderValue(status: StatusReport): string {
  return `${status.app}@${status.version} ${status.state}`;
}
