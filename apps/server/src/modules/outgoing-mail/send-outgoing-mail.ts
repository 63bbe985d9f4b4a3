import { randomBytes } from 'node:crypto';
import type { MailSender, SendResult } from '@marketplace/mail';
import type { Db } from '../../db/schema.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { checkCompliance, type ComplianceResult, type ComplianceRules } from './mail-compliance.js';
import type { MailKind, MailLanguage } from './mail-template-kinds.js';
import { recordOutgoingMail, recordSmtpResult } from './outgoing-mail-repository.js';
import { returnPathFor, returnPathKey } from './return-path.js';

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OutgoingMailDeps {
  db: Db;
  /** PUBLIC_URL: its host is always an allowed link domain. */
  publicUrl: string;
  logger?: Logger;
  sender: MailSender;
}

export interface OutgoingMailInput {
  orgId: string | null;
  kind: MailKind;
  language: MailLanguage;
  /** The bare service address mail is sent from (SMTP_FROM's address); bounces come back to its signed `+b<recipient><tag>` form (return-path.ts). */
  from: string;
  to: string;
  raw: Buffer;
  messageId: string;
  subject: string;
  /** The readable parts the compliance check reads (attachments are not read, only counted in the size). */
  text: string;
  html?: string;
  /** Only these words' links are checked (see checkCompliance); all of `text` when omitted. */
  linkText?: string;
}

export type OutgoingMailResult =
  | { sent: true; mailId: string; recipientId: string; blocked: null; result: Extract<SendResult, { ok: true }> }
  | { sent: false; mailId: string; recipientId: string; blocked: Extract<ComplianceResult, { ok: false }>; result: null }
  | { sent: false; mailId: string; recipientId: string; blocked: null; result: SendResult };

/** What the organisation allows: PUBLIC_URL's host plus its link domains, its footer, its size limit (defaults without an organisation). */
export async function complianceRules(deps: { db: Db; publicUrl: string }, orgId: string | null): Promise<ComplianceRules> {
  const own = new URL(deps.publicUrl).hostname.toLowerCase();
  if (!orgId) return { allowedHosts: [own], footer: '', maxBytes: 25 * 1024 * 1024 };
  const { mail } = await getOrgSettings(deps.db, orgId);
  return { allowedHosts: [own, ...mail.allowedLinkDomains], footer: mail.footer, maxBytes: mail.maxMessageBytes };
}

/**
 * Every mail the server sends goes through here: the compliance check first (a blocked mail is
 * recorded with its reason and not sent), then one SMTP transaction per recipient with a signed VERP
 * envelope sender naming its recipient row, and the server's answer recorded per recipient (accepted, or refused with its code).
 */
export async function sendOutgoingMail(deps: OutgoingMailDeps, input: OutgoingMailInput): Promise<OutgoingMailResult> {
  const to = input.to.toLowerCase();
  const record = { orgId: input.orgId, kind: input.kind, language: input.language, messageId: input.messageId, subject: input.subject.slice(0, 500) };
  const verdict = checkCompliance({ subject: input.subject, text: input.text, ...(input.html ? { html: input.html } : {}), ...(input.linkText !== undefined ? { linkText: input.linkText } : {}), bytes: input.raw.length }, await complianceRules(deps, input.orgId));
  const token = randomBytes(12).toString('hex');
  if (!verdict.ok) {
    const { mailId, recipientId } = await recordOutgoingMail(deps.db, { ...record, state: 'blocked', blockCode: verdict.code, blockReason: verdict.message }, { address: to, token, state: 'blocked' });
    deps.logger?.warn({ component: 'outgoing-mail', kind: input.kind, orgId: input.orgId, mailId, code: verdict.code }, 'outgoing mail blocked by the compliance check');
    return { sent: false, mailId, recipientId, blocked: verdict, result: null };
  }
  const ids = await recordOutgoingMail(deps.db, { ...record, state: 'sent' }, { address: to, token, state: 'pending' });
  const returnPath = returnPathFor(input.from, await returnPathKey(deps.db), { orgId: input.orgId, recipientId: ids.recipientId });
  const result = await deps.sender.send({ raw: input.raw, envelope: { from: returnPath, to: [input.to] } });
  if (result.ok) {
    const refused = result.rejected[0];
    await recordSmtpResult(deps.db, ids, refused ? { state: 'refused', code: refused.responseCode ?? null, response: refused.response ?? null, mailState: 'failed' } : { state: 'accepted', code: Number.parseInt(result.response, 10) || 250, response: result.response, mailState: 'sent' });
    return refused ? { sent: false, mailId: ids.mailId, recipientId: ids.recipientId, blocked: null, result } : { sent: true, mailId: ids.mailId, recipientId: ids.recipientId, blocked: null, result };
  }
  await recordSmtpResult(deps.db, ids, { state: result.retryable ? 'failed' : 'refused', code: result.responseCode ?? null, response: result.response ?? result.message, mailState: 'failed' });
  return { sent: false, mailId: ids.mailId, recipientId: ids.recipientId, blocked: null, result };
}
