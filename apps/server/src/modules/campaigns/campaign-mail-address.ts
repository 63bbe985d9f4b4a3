import { createHmac, timingSafeEqual } from 'node:crypto';
import { messageIdFor } from '../mail-intake/mail-sender.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';

/** RFC 5321: a local part longer than this may be refused; the return path then falls back to the plain address. */
const MAX_LOCAL_PART = 64;
const TAG_HEX = 12;
const RETURN_TAG = /^b([0-9a-f]{32})([0-9a-f]{12})$/;

function tag(secret: string, recipientId: string): string {
  return createHmac('sha256', secret).update(`campaign-bounce:${recipientId}`).digest('hex').slice(0, TAG_HEX);
}

const hexOf = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** The Message-ID of one recipient's announcement: in SMTP_FROM's domain, naming the recipient row. */
export function campaignMessageId(from: string, recipientId: string): string {
  return messageIdFor(from, `campaign.${recipientId}`);
}

/**
 * VERP: the envelope sender of one recipient's announcement, `<server>+b<recipient><tag>@<domain>`.
 * A bounce comes back to it, naming the recipient; the tag (an HMAC under the server's secret) makes
 * a forged bounce for someone else's address fail to match. Lower-case hex survives relays that
 * fold the case of local parts.
 */
export function campaignReturnPath(from: string, secret: string, recipientId: string): string {
  const own = serverAddress(from);
  const [local, domain] = own.split('@') as [string, string];
  const tagged = `${local}+b${hexOf(recipientId)}${tag(secret, recipientId)}`;
  return tagged.length <= MAX_LOCAL_PART && domain ? `${tagged}@${domain}` : own;
}

/** The recipient id a campaign return path names, when its tag is right; null for any other address. */
export function recipientOfReturnPath(from: string, secret: string, address: string): string | null {
  const own = serverAddress(from);
  const [ownLocal, ownDomain] = own.split('@') as [string, string];
  const [local, domain] = address.toLowerCase().split('@') as [string, string | undefined];
  if (domain !== ownDomain || !local.startsWith(`${ownLocal}+`)) return null;
  const match = RETURN_TAG.exec(local.slice(ownLocal.length + 1));
  if (!match) return null;
  const id = uuidOf(match[1]!);
  const expected = Buffer.from(tag(secret, id));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}
