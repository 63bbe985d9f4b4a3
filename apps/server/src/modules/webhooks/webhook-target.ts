import ipaddr from 'ipaddr.js';
import { isMetadataOrLinkLocal } from '../approvals/reach-policy.js';
import { WebhookError } from './webhook-error.js';

/** Address ranges WEBHOOK_ALLOW_PRIVATE_TARGETS opens; link-local and cloud-metadata addresses stay refused. */
const PRIVATE_RANGES = new Set(['private', 'loopback', 'uniqueLocal', 'carrierGradeNat']);
const MAX_URL_LENGTH = 2000;

/**
 * Whether a webhook may connect to this address: a public unicast address; with `allowPrivate` also
 * loopback, private and unique-local ones. IPv4-mapped IPv6 is judged as the IPv4 address; NAT64,
 * 6to4, Teredo, multicast, reserved and the like are refused (they can reach private hosts).
 */
export function isAllowedAddress(address: string, allowPrivate: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (isMetadataOrLinkLocal(parsed.toString())) return false;
  const range = parsed.range();
  return range === 'unicast' || (allowPrivate && PRIVATE_RANGES.has(range));
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

/**
 * Checks an admin's webhook URL when it is saved: http(s) only, no credentials in it, and a host
 * that is not a refused address or a local name. Names are resolved again at every delivery
 * (`webhook-post.ts`), where the address actually connected to is checked.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): URL {
  if (raw.length > MAX_URL_LENGTH) throw new WebhookError('WEBHOOK_URL_INVALID', `The URL is ${raw.length} characters long; at most ${MAX_URL_LENGTH} are accepted.`);
  if (!URL.canParse(raw)) throw new WebhookError('WEBHOOK_URL_INVALID', 'The URL cannot be read; give a full URL such as https://hooks.example.com/marketplace.');
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookError('WEBHOOK_URL_INVALID', `Only http:// and https:// URLs receive webhooks; got '${url.protocol}'.`);
  if (url.username || url.password) throw new WebhookError('WEBHOOK_URL_INVALID', 'Remove the user name and password from the URL: receivers check the webhook-signature header instead.');
  const host = hostOf(url);
  if (ipaddr.isValid(host)) {
    if (!isAllowedAddress(host, allowPrivate)) throw refused(host, allowPrivate);
  } else if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) {
    throw refused(host, allowPrivate);
  } else if (isMetadataOrLinkLocal(host)) {
    throw refused(host, false);
  }
  return url;
}

export function refused(host: string, allowPrivate: boolean): WebhookError {
  return new WebhookError(
    'WEBHOOK_TARGET_REFUSED',
    allowPrivate
      ? `Webhooks are never sent to link-local or cloud-metadata addresses (${host}).`
      : `Webhooks are not sent to loopback, private or link-local addresses (${host}); use a public address, or set WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow receivers on your own network.`,
  );
}
