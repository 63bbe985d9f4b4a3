import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import * as z from 'zod';
import { readHeaders } from './headers.js';
import { DEFAULT_MAIL_LIMITS } from './limits.js';
import { silentLogger, type MailLogger } from './logger.js';
import { describeIssues, MailError } from './mail-error.js';
import { dkimOptionsSchema, emailAddressSchema, type DkimOptions } from './mail-fields.js';
import { lazySchema } from '@marketplace/release';

const senderOptionsSchema = lazySchema(() =>
  z.object({
    host: z.string().min(1, { message: 'must name the SMTP server (SMTP_HOST)' }),
    port: z.number().int().min(1).max(65535),
    /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().optional(),
    pass: z.string().optional(),
    dkim: dkimOptionsSchema.optional(),
    /** Keep connections open and reuse them (many messages in a row). */
    pool: z.boolean().default(false),
    /** Connect, greeting and idle socket timeouts, in ms. */
    timeoutMs: z.number().int().positive().default(30_000),
    /** Refuse servers whose TLS certificate does not verify (on by default; off only for a lab relay). */
    rejectUnauthorized: z.boolean().default(true),
  }),
);

export type MailSenderOptions = z.input<typeof senderOptionsSchema> & { logger?: MailLogger };

export interface SendRequest {
  /** The whole RFC 5322 message, sent byte for byte (DKIM-signed on the way when the sender has a key). */
  raw: Buffer;
  envelope: { from: string; to: string[] };
}

export interface RejectedRecipient {
  address: string;
  retryable: boolean;
  responseCode?: number;
  response?: string;
}

export type SendResult =
  | { ok: true; accepted: string[]; rejected: RejectedRecipient[]; response: string }
  | {
      ok: false;
      /** True for 4xx answers and connection trouble: send again later. False for 5xx: the server refused it for good. */
      retryable: boolean;
      code: 'SMTP_TEMPORARY' | 'SMTP_PERMANENT' | 'CONNECTION' | 'AUTH';
      responseCode?: number;
      /** The server's reply text, when it answered. */
      response?: string;
      message: string;
    };

export interface MailSender {
  send(request: SendRequest): Promise<SendResult>;
  /** Connects and logs in without sending: checks the settings at start-up. */
  verify(): Promise<SendResult>;
  close(): void;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET']);

/** An SMTP client (nodemailer) that sends raw messages and says whether a failure is worth retrying. */
export function createMailSender(options: MailSenderOptions): MailSender {
  const parsed = senderOptionsSchema.safeParse(options);
  if (!parsed.success) throw new MailError('INVALID_OPTIONS', `Cannot create the mail sender: ${describeIssues(parsed.error.issues)}`);
  const settings = parsed.data;
  if ((settings.user === undefined) !== (settings.pass === undefined)) {
    throw new MailError('INVALID_OPTIONS', 'Cannot create the mail sender: give both SMTP_USER and SMTP_PASS, or neither for a relay without login.');
  }
  const logger = options.logger ?? silentLogger;
  // nodemailer loads with the first send or check, not at start-up (the deploy agent mostly waits).
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | undefined;
  const connect = (): Promise<Transporter<SMTPTransport.SentMessageInfo>> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        auth: settings.user !== undefined ? { user: settings.user, pass: settings.pass } : undefined,
        pool: settings.pool,
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
        tls: { rejectUnauthorized: settings.rejectUnauthorized },
        dkim: settings.dkim satisfies DkimOptions | undefined,
        logger: false,
      }),
    ));
  const target = `${settings.host}:${settings.port}`;

  return {
    async send(request) {
      const envelope = checkEnvelope(request.envelope);
      const messageId = readHeaders(request.raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes).headers.first('Message-ID');
      try {
        const info = await (await connect()).sendMail({ envelope, raw: request.raw });
        const rejected = (info.rejectedErrors ?? []).map(describeRejected);
        for (const address of info.rejected) {
          if (!rejected.some((entry) => entry.address === address)) rejected.push({ address, retryable: false });
        }
        logger.info({ component: 'mail-sender', messageId, accepted: info.accepted.length, rejected: rejected.length, target }, 'mail sent');
        return { ok: true, accepted: info.accepted.map(String), rejected, response: info.response };
      } catch (error) {
        const failure = classifyFailure(error);
        logger.warn({ component: 'mail-sender', messageId, target, code: failure.code, responseCode: failure.responseCode, retryable: failure.retryable }, 'mail not sent');
        return failure;
      }
    },
    async verify() {
      try {
        await (await connect()).verify();
        return { ok: true, accepted: [], rejected: [], response: `connected to ${target}` };
      } catch (error) {
        return classifyFailure(error);
      }
    },
    close() {
      void transport?.then((open) => open.close());
    },
  };
}

function checkEnvelope(envelope: SendRequest['envelope']): SendRequest['envelope'] {
  const from = envelope.from === '' ? { success: true } : emailAddressSchema.safeParse(envelope.from);
  const to = z.array(emailAddressSchema).min(1).safeParse(envelope.to);
  if (!from.success || !to.success) {
    throw new MailError('INVALID_OPTIONS', `Cannot send: the envelope needs a sender address (or '' for none) and at least one recipient address; got from=${JSON.stringify(envelope.from)}, to=${JSON.stringify(envelope.to)}.`);
  }
  return { from: envelope.from, to: [...envelope.to] };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  permanent?: boolean;
  recipient?: string;
  message?: string;
}

function describeRejected(error: SmtpError): RejectedRecipient {
  return { address: error.recipient ?? '', retryable: !isPermanent(error), responseCode: error.responseCode, response: error.response };
}

function isPermanent(error: SmtpError): boolean {
  if (typeof error.permanent === 'boolean') return error.permanent;
  return typeof error.responseCode === 'number' && error.responseCode >= 500 && error.responseCode !== 503;
}

/** 4xx and connection trouble → retryable; 5xx → permanent, with the server's own words. */
export function classifyFailure(raw: unknown): Extract<SendResult, { ok: false }> {
  const error = (raw ?? {}) as SmtpError;
  const message = error.message ?? String(raw);
  if (typeof error.responseCode === 'number') {
    const permanent = isPermanent(error);
    const base = { responseCode: error.responseCode, response: error.response ?? message, message };
    if (error.code === 'EAUTH') return { ok: false, retryable: !permanent, code: 'AUTH', ...base };
    return permanent ? { ok: false, retryable: false, code: 'SMTP_PERMANENT', ...base } : { ok: false, retryable: true, code: 'SMTP_TEMPORARY', ...base };
  }
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH') return { ok: false, retryable: false, code: 'AUTH', message };
  if (error.code && CONNECTION_CODES.has(error.code)) return { ok: false, retryable: true, code: 'CONNECTION', message };
  // No SMTP answer and no known cause: most likely the line dropped; a retry is cheap and bounded by the job.
  return { ok: false, retryable: true, code: 'CONNECTION', message };
}
