import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';
import { fromMailbox, messageIdFor } from '../mail-intake/mail-sender.js';
import type { MailKind, MailLanguage, MailParams } from './mail-template-kinds.js';
import { renderTemplate } from './mail-templates.js';
import { sendOutgoingMail, type OutgoingMailDeps, type OutgoingMailResult } from './send-outgoing-mail.js';

export interface TemplatedMailInput<K extends MailKind> {
  orgId: string | null;
  kind: K;
  language: MailLanguage;
  params: MailParams<K>;
  to: string;
  /** The From mailbox; SMTP_FROM (deps.from) when omitted. */
  from?: string | { name: string; address: string };
  replyTo?: string;
  /** A fixed Message-ID (a retried job sends the same message); a fresh one in SMTP_FROM's domain when omitted. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  /** A few lines of what the person wrote, quoted under the mail. */
  quote?: string;
  /**
   * Parameters whose values name hosts rather than link to them (an approval's hosts and reasons,
   * already reviewed by the policy): their links are not checked; secrets in them still are.
   */
  notLinks?: (keyof MailParams<K>)[];
  /** `Auto-Submitted` value: `auto-generated` (default), `auto-replied`, or `no` (a person wrote it: no header). */
  autoSubmitted?: 'auto-generated' | 'auto-replied' | 'no';
}

export type TemplatedMailResult = OutgoingMailResult & { messageId: string; subject: string; text: string };

const quoted = (quote: string | undefined): string => (quote ? `\n${quote.split(/\r?\n/).filter((line) => line.trim()).slice(0, 4).map((line) => `> ${line}`).join('\n')}\n` : '');

/**
 * Renders a mail kind from the organisation's template in the recipient's language, builds a plain
 * text message and sends it through the compliance check and the per-recipient delivery record.
 */
export async function sendTemplatedMail<K extends MailKind>(deps: OutgoingMailDeps & { from: string }, input: TemplatedMailInput<K>): Promise<TemplatedMailResult> {
  const rendered = await renderTemplate({ db: deps.db, config: { publicUrl: deps.publicUrl } }, input.orgId, input.kind, input.language, input.params);
  const envelopeFrom = serverAddress(deps.from);
  const messageId = input.messageId ?? messageIdFor(envelopeFrom, `${input.kind}.${randomBytes(8).toString('hex')}`);
  const text = `${rendered.text}${quoted(input.quote)}`;
  const raw = await new MailComposer({
    from: input.from ?? fromMailbox(deps.from),
    to: input.to,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: rendered.subject,
    messageId,
    text,
    headers: {
      ...(input.autoSubmitted === 'no' ? {} : { 'Auto-Submitted': input.autoSubmitted ?? 'auto-generated' }),
      'Content-Language': input.language,
      ...(input.inReplyTo ? { 'In-Reply-To': input.inReplyTo } : {}),
      ...(input.references?.length ? { References: input.references.join(' ') } : {}),
    },
  })
    .compile()
    .build();
  const blanked = input.notLinks?.length ? Object.fromEntries(Object.entries(input.params).map(([name, value]) => [name, input.notLinks!.includes(name as keyof MailParams<K>) ? '' : value])) : null;
  const linkText = blanked ? (await renderTemplate({ db: deps.db, config: { publicUrl: deps.publicUrl } }, input.orgId, input.kind, input.language, blanked as MailParams<K>)) : null;
  const result = await sendOutgoingMail(deps, { orgId: input.orgId, kind: input.kind, language: input.language, from: envelopeFrom, to: input.to, raw, messageId, subject: rendered.subject, text: rendered.text, ...(linkText ? { linkText: `${linkText.subject}\n${linkText.text}` } : {}) });
  return { ...result, messageId, subject: rendered.subject, text: rendered.text };
}

/** `Re: x` and `x` both become `x` (templates write the `Re: ` themselves). */
export const bareSubject = (subject: string, fallback: string): string => subject.replace(/^(\s*re:\s*)+/i, '').trim() || fallback;
