import { createHmac, timingSafeEqual } from 'node:crypto';
import { messageIdFor } from '../mail-intake/mail-sender.js';
import { serverAddress } from '../mail-intake/embedded-mail-hub.js';

/** The Message-ID of one recipient's announcement: in SMTP_FROM's domain, naming the recipient row. */
export function campaignMessageId(from: string, recipientId: string): string {
  return messageIdFor(from, `campaign.${recipientId}`);
}

/** The return path campaign mail had before decision 0046: `+b<recipient row, 32 hex><12 hex HMAC under JWT_SECRET>`. */
const LEGACY_TAG = /^b([0-9a-f]{32})([0-9a-f]{12})$/;

const legacyTag = (secret: string, recipientId: string) => createHmac('sha256', secret).update(`campaign-bounce:${recipientId}`).digest('hex').slice(0, 12);
const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * The campaign recipient id a return path of the pre-0046 form names, when its tag is right; null for
 * any other address. Campaign mail now goes out with outgoing mail's signed return path; this is read
 * only so bounces of announcements sent before the change still count (legacy-campaign-bounces.ts).
 */
export function legacyCampaignRecipientOf(from: string, secret: string, address: string): string | null {
  const own = serverAddress(from);
  const [ownLocal, ownDomain] = own.split('@') as [string, string];
  const [local, domain] = address.toLowerCase().split('@') as [string, string | undefined];
  if (domain !== ownDomain || !local.startsWith(`${ownLocal}+`)) return null;
  const match = LEGACY_TAG.exec(local.slice(ownLocal.length + 1));
  if (!match) return null;
  const id = uuidOf(match[1]!);
  const expected = Buffer.from(legacyTag(secret, id));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

/** A pre-0046 return path, as the announcements then carried it (kept for the grace period's tests). */
export function legacyCampaignReturnPath(from: string, secret: string, recipientId: string): string {
  const [local, domain] = serverAddress(from).split('@') as [string, string];
  return `${local}+b${recipientId.replace(/-/g, '').toLowerCase()}${legacyTag(secret, recipientId)}@${domain}`;
}
