import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { messageIdFor } from './mail-sender.js';

export interface ReplyInput {
  /** The marketplace's own address, e.g. marketplace@example.com. */
  address: string;
  /** The conversation's token, put into the reply address (marketplace+<token>@…) so replies thread even without headers. */
  token: string | null;
  to: string;
  subject: string;
  text: string;
  /** What the user wrote, quoted (a few lines only) under the answer. */
  quote?: string;
  inReplyTo?: string;
  references?: string[];
  /** A mail that starts a thread (a notice), not an answer: the subject stays as given, Auto-Submitted is auto-generated. */
  starts?: boolean;
}

/**
 * A fresh token for a reply address: `prefix` (which kind of address: `c` sender confirmation, `o` owner,
 * `r` reporter) and 24 random lower-case letters and digits (120 bits), safe in an address's local part.
 */
export function newAddressToken(prefix: string): string {
  return `${prefix}${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x').toLowerCase()}`;
}

/** `marketplace@host` + token → `marketplace+token@host`. */
export function tokenAddress(address: string, token: string | null): string {
  if (!token) return address;
  const at = address.lastIndexOf('@');
  return at < 0 ? address : `${address.slice(0, at)}+${token}${address.slice(at)}`;
}

/** Builds an answer in the same thread (or, with `starts`, a notice that starts one): In-Reply-To/References, a `Re:` subject, Auto-Submitted so robots do not answer it. */
export async function composeReply(input: ReplyInput): Promise<{ raw: Buffer; messageId: string; from: string }> {
  const from = tokenAddress(input.address, input.token);
  const messageId = messageIdFor(input.address, `${input.token ?? 'mp'}.${randomBytes(8).toString('hex')}`);
  const quoted = input.quote ? `\n\n${input.quote.split(/\r?\n/).filter((l) => l.trim()).slice(0, 4).map((l) => `> ${l}`).join('\n')}` : '';
  const subject = input.starts || /^re:/i.test(input.subject) ? input.subject : `Re: ${input.subject || 'your request'}`;
  const mail = new MailComposer({
    from: { name: 'Marketplace', address: from },
    to: input.to,
    replyTo: from,
    subject,
    messageId,
    text: `${input.text}${quoted}\n`,
    headers: {
      'Auto-Submitted': input.starts ? 'auto-generated' : 'auto-replied',
      ...(input.inReplyTo ? { 'In-Reply-To': input.inReplyTo } : {}),
      ...(input.references?.length ? { References: input.references.join(' ') } : {}),
    },
  });
  const raw = await mail.compile().build();
  return { raw, messageId, from };
}

/** The new part of a reply: quoted lines, "On … wrote:" and the signature are dropped. */
export function newTextOf(text: string): string {
  const lines: string[] = [];
  // NUL never reaches the database (a text column refuses it) nor an answer
  for (const line of text.replace(/\0/g, '').split(/\r?\n/)) {
    if (/^-- ?$/.test(line)) break;
    if (/^(On .+ wrote:|W dniu .+ pisze:|-----Original Message-----|-----Wiadomość oryginalna-----)\s*$/i.test(line.trim())) break;
    if (/^\s*>/.test(line)) continue;
    lines.push(line);
  }
  return lines.join('\n').trim().slice(0, 20_000);
}
