import { createHash } from 'node:crypto';
import { MARKETPLACE_HEADERS } from './headers.js';
import { resolveLimits, type MailLimits } from './limits.js';
import { httpUrlSchema, semverSchema, sha256HexSchema, slugSchema } from './mail-fields.js';
import { DELIVERY_PAYLOAD_TYPE, envelopeProblem, releaseEnvelopeProblem } from './release-envelope.js';
import { attachmentsEndingWith, invalid, parseWithinLimits, senderAddress, triageByHeader, type InvalidMail } from './untrusted-mail.js';

/** What the headers of a release email say. Unsigned: a hint for triage; the release JSON is what is trusted. */
export interface ReleaseHeaders {
  /** `app@version` */
  release: string;
  app: string;
  version: string;
  org?: string | undefined;
  bundleSha256?: string | undefined;
  bundleUrl?: string | undefined;
}

export interface ParsedReleaseEmail {
  kind: 'release';
  headers: ReleaseHeaders;
  /** The sender's address as the From header gives it (not authenticated: the signature is). */
  from: string | undefined;
  messageId: string | undefined;
  envelopeJson: string;
  envelopeFileName: string;
  /** The delivery statement (`<name>-<version>.delivery.json`) naming the agent it was sent to; absent when the mail carried none. */
  deliveryJson?: string;
  deliveryFileName?: string;
  bundle?: Buffer;
  bundleFileName?: string;
  /** Set when the bundle is not attached; fetch it and check it against the release JSON. */
  downloadUrl?: string;
}

export type ReleaseEmailParseResult = ParsedReleaseEmail | { kind: 'not-release' } | InvalidMail;

/**
 * Reads a raw message that may or may not be a release email. Mail without the
 * `X-Marketplace-Release` header is 'not-release' after a look at the headers alone; a release
 * email that cannot be used is 'invalid' with a code and a reason to report back.
 */
export async function parseReleaseEmail(raw: Buffer, options: { limits?: Partial<MailLimits> } = {}): Promise<ReleaseEmailParseResult> {
  const limits = resolveLimits(options.limits);
  const triage = triageByHeader(raw, MARKETPLACE_HEADERS.release, limits);
  if (triage.kind === 'not-ours') return { kind: 'not-release' };
  if (triage.kind === 'invalid') return triage;
  if (triage.markers.length > 1) return invalid('MULTIPLE_RELEASES', `It names ${triage.markers.length} releases (${MARKETPLACE_HEADERS.release} headers); send one release per email.`);

  const headers = readReleaseHeaders(triage.headers.first.bind(triage.headers), triage.markers[0] ?? '');
  if ('kind' in headers) return headers;

  const parsed = await parseWithinLimits(raw, limits);
  if (parsed.kind === 'invalid') return parsed;
  const { mail } = parsed;

  const envelopes = attachmentsEndingWith(mail, '.release.json');
  const bundles = attachmentsEndingWith(mail, '.tgz');
  const deliveries = attachmentsEndingWith(mail, '.delivery.json');
  if (deliveries.length > 1) return invalid('MULTIPLE_RELEASES', `It carries ${deliveries.length} delivery statements; send one release, with its one statement, per email.`);
  if (envelopes.length > 1 || bundles.length > 1) {
    return invalid('MULTIPLE_RELEASES', `It carries ${envelopes.length} release JSON files and ${bundles.length} bundles; send one release per email.`);
  }
  const envelope = envelopes[0];
  if (!envelope) return invalid('MISSING_RELEASE_ATTACHMENT', `It names release ${headers.release} but has no .release.json attachment; the sender must attach the signed release.`);
  if (envelope.size > limits.maxReleaseJsonBytes) {
    return invalid('TOO_LARGE', `Its release JSON is ${envelope.size} bytes, over the limit of ${limits.maxReleaseJsonBytes} bytes.`);
  }
  const envelopeJson = envelope.content.toString('utf8');
  const problem = releaseEnvelopeProblem(envelopeJson);
  if (problem) return invalid('INVALID_RELEASE_JSON', `Its attachment ${envelope.filename} is not a signed release: ${problem}.`);

  const result: ParsedReleaseEmail = {
    kind: 'release',
    headers,
    from: senderAddress(mail),
    messageId: mail.messageId,
    envelopeJson,
    envelopeFileName: envelope.filename ?? '',
  };
  const delivery = deliveries[0];
  if (delivery) {
    if (delivery.size > limits.maxReleaseJsonBytes) return invalid('TOO_LARGE', `Its delivery statement is ${delivery.size} bytes, over the limit of ${limits.maxReleaseJsonBytes} bytes.`);
    const deliveryJson = delivery.content.toString('utf8');
    const deliveryProblem = envelopeProblem(deliveryJson, DELIVERY_PAYLOAD_TYPE);
    if (deliveryProblem) return invalid('INVALID_RELEASE_JSON', `Its attachment ${delivery.filename} is not a signed delivery statement: ${deliveryProblem}.`);
    result.deliveryJson = deliveryJson;
    result.deliveryFileName = delivery.filename ?? '';
  }
  const bundle = bundles[0];
  if (bundle) {
    if (headers.bundleSha256) {
      const actual = createHash('sha256').update(bundle.content).digest('hex');
      if (actual !== headers.bundleSha256) {
        return invalid('BUNDLE_MISMATCH', `Its bundle ${bundle.filename} has sha256 ${actual}, not the ${headers.bundleSha256} its header names: the mail was cut or changed on the way. Ask for it to be sent again.`);
      }
    }
    result.bundle = bundle.content;
    result.bundleFileName = bundle.filename ?? '';
  } else if (headers.bundleUrl) {
    result.downloadUrl = headers.bundleUrl;
  } else {
    return invalid('MISSING_BUNDLE', `It carries the release JSON for ${headers.release} but neither the .tgz bundle nor a ${MARKETPLACE_HEADERS.bundleUrl} download link.`);
  }
  return result;
}

function readReleaseHeaders(first: (name: string) => string | undefined, marker: string): ReleaseHeaders | InvalidMail {
  const at = marker.lastIndexOf('@');
  const app = slugSchema.safeParse(marker.slice(0, at));
  const version = semverSchema.safeParse(marker.slice(at + 1));
  if (at <= 0 || !app.success || !version.success) {
    return invalid('INVALID_HEADERS', `Its ${MARKETPLACE_HEADERS.release} header must read app@version, such as room-booking@1.2.0: got "${marker.slice(0, 100)}".`);
  }
  const bundleSha256 = first(MARKETPLACE_HEADERS.bundleSha256);
  if (bundleSha256 !== undefined && !sha256HexSchema.safeParse(bundleSha256).success) {
    return invalid('INVALID_HEADERS', `Its ${MARKETPLACE_HEADERS.bundleSha256} header must be 64 lower-case hex digits.`);
  }
  const bundleUrl = first(MARKETPLACE_HEADERS.bundleUrl);
  if (bundleUrl !== undefined && !httpUrlSchema.safeParse(bundleUrl).success) {
    return invalid('INVALID_HEADERS', `Its ${MARKETPLACE_HEADERS.bundleUrl} header must be an http(s) URL.`);
  }
  return { release: marker, app: app.data, version: version.data, org: first(MARKETPLACE_HEADERS.org), bundleSha256, bundleUrl };
}
