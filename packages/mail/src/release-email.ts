import { createHash } from 'node:crypto';
import type MailComposer from 'nodemailer/lib/mail-composer';
import * as z from 'zod';
import { signWithDkim } from './dkim-sign.js';
import { MARKETPLACE_HEADERS } from './headers.js';
import { DEFAULT_MAIL_LIMITS } from './limits.js';
import { describeIssues, MailError } from './mail-error.js';
import {
  dkimOptionsSchema,
  fileNameSchema,
  httpUrlSchema,
  mailboxSchema,
  messageIdSchema,
  recipientsSchema,
  semverSchema,
  sha256HexSchema,
  slugSchema,
} from './mail-fields.js';
import { DELIVERY_PAYLOAD_TYPE, envelopeProblem, releaseEnvelopeProblem } from './release-envelope.js';
import { releaseSubject, renderReleaseHtml, renderReleaseText } from './release-email-body.js';
import { lazySchema } from '@marketplace/release';
import { RELEASE_EMAIL_LANGUAGES } from './release-email-words.js';

const text = (max: number) => z.string().max(max);

const releaseEmailSchema = lazySchema(() =>
  z
    .object({
      from: mailboxSchema,
      to: recipientsSchema,
      org: slugSchema,
      messageId: messageIdSchema,
      /** Fixed for idempotent builds; defaults to now. */
      date: z.date().optional(),
      release: z
        .object({
          app: slugSchema,
          version: semverSchema,
          title: text(200).min(1),
          summary: text(4000).min(1),
          changelog: text(20_000).optional(),
          validationSummary: text(2000).min(1),
          scanSummary: text(2000).min(1),
          signerKeyId: text(200).min(1),
          bundleFileName: fileNameSchema.refine((name) => name.endsWith('.tgz'), { message: 'must end in .tgz' }),
          bundle: z.instanceof(Buffer).optional(),
          envelopeJson: z.string().min(2).max(DEFAULT_MAIL_LIMITS.maxReleaseJsonBytes),
          envelopeFileName: fileNameSchema.refine((name) => name.endsWith('.release.json'), { message: 'must end in .release.json' }),
          /** The signed delivery statement naming the recipient agent (DSSE JSON from @marketplace/release signDelivery). */
          deliveryJson: z.string().min(2).max(DEFAULT_MAIL_LIMITS.maxReleaseJsonBytes).optional(),
          deliveryFileName: fileNameSchema.refine((name) => name.endsWith('.delivery.json'), { message: 'must end in .delivery.json' }).optional(),
          sha256: sha256HexSchema,
          size: z.number().int().min(0),
        })
        .strict(),
      downloadUrl: httpUrlSchema.optional(),
      installHint: text(500).min(1).optional(),
      /** The subject line in the organisation's wording (its template); the built-in English one when omitted. */
      subject: text(250).min(1).optional(),
      /** The opening paragraph in the organisation's wording (plain text, escaped in the HTML part). */
      intro: text(4000).min(1).optional(),
      /** The recipient's language for the mail's own sections (checks, files, install steps); commands, hashes and file names stay verbatim. */
      language: z.enum(RELEASE_EMAIL_LANGUAGES).default('en'),
      dkim: dkimOptionsSchema.optional(),
      /** Largest bundle attached; callers pass `downloadUrl` above it. */
      maxAttachedBundleBytes: z.number().int().positive().default(DEFAULT_MAIL_LIMITS.maxAttachedBundleBytes),
    })
    .strict(),
);

export type ReleaseEmailOptions = z.input<typeof releaseEmailSchema>;

/**
 * Builds the raw RFC 5322 release email: multipart/mixed with a text + HTML alternative, the
 * bundle (or a download link when it is too large) and the DSSE release JSON attached, headers
 * naming the release, and a DKIM signature when `dkim` is given. The same options give the same
 * bytes (Message-ID, date and MIME boundaries are fixed), so a retried send is the same message.
 */
export async function buildReleaseEmail(options: ReleaseEmailOptions): Promise<Buffer> {
  const parsed = releaseEmailSchema.safeParse(options);
  if (!parsed.success) {
    throw new MailError('INVALID_OPTIONS', `Cannot build the release email: ${describeIssues(parsed.error.issues)}`);
  }
  const input = parsed.data;
  const { release } = input;
  const releaseProblem = releaseEnvelopeProblem(release.envelopeJson);
  if (releaseProblem) {
    throw new MailError('INVALID_OPTIONS', `Cannot build the release email: release.envelopeJson is not a signed release, ${releaseProblem}. Pass the DSSE envelope from @marketplace/release.`);
  }
  if ((release.deliveryJson === undefined) !== (release.deliveryFileName === undefined)) {
    throw new MailError('INVALID_OPTIONS', 'Cannot build the release email: pass release.deliveryJson and release.deliveryFileName together.');
  }
  const deliveryProblem = release.deliveryJson === undefined ? null : envelopeProblem(release.deliveryJson, DELIVERY_PAYLOAD_TYPE);
  if (deliveryProblem) {
    throw new MailError('INVALID_OPTIONS', `Cannot build the release email: release.deliveryJson is not a signed delivery statement, ${deliveryProblem}. Pass the DSSE envelope from @marketplace/release signDelivery.`);
  }
  checkBundle(release.bundle, release.sha256, release.size, input.downloadUrl, input.maxAttachedBundleBytes);

  const fields = { ...release, org: input.org, downloadUrl: release.bundle ? undefined : input.downloadUrl, installHint: input.installHint, subject: input.subject, intro: input.intro, language: input.language };
  const headers: Record<string, string> = {
    [MARKETPLACE_HEADERS.release]: `${release.app}@${release.version}`,
    [MARKETPLACE_HEADERS.org]: input.org,
    [MARKETPLACE_HEADERS.bundleSha256]: release.sha256,
    // RFC 3834: machine-sent, so vacation responders and our own server never answer it.
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'Content-Language': input.language,
  };
  if (fields.downloadUrl) headers[MARKETPLACE_HEADERS.bundleUrl] = fields.downloadUrl;

  const attachments: NonNullable<ConstructorParameters<typeof MailComposer>[0]>['attachments'] = [];
  if (release.bundle) attachments.push({ filename: release.bundleFileName, content: release.bundle, contentType: 'application/gzip' });
  attachments.push({ filename: release.envelopeFileName, content: Buffer.from(release.envelopeJson, 'utf8'), contentType: 'application/json' });
  if (release.deliveryJson && release.deliveryFileName) attachments.push({ filename: release.deliveryFileName, content: Buffer.from(release.deliveryJson, 'utf8'), contentType: 'application/json' });

  // nodemailer loads on the first mail built, not at start-up (the deploy agent mostly waits).
  const { default: Composer } = await import('nodemailer/lib/mail-composer');
  const composer = new Composer({
    from: input.from,
    to: input.to,
    subject: releaseSubject(fields),
    messageId: input.messageId,
    date: input.date ?? new Date(),
    headers,
    text: renderReleaseText(fields),
    html: renderReleaseHtml(fields),
    attachments,
    baseBoundary: createHash('sha256').update(input.messageId).digest('hex').slice(0, 24),
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  });
  const raw = await composer.compile().build();
  return input.dkim ? signWithDkim(raw, input.dkim) : raw;
}

function checkBundle(bundle: Buffer | undefined, sha256: string, size: number, downloadUrl: string | undefined, maxAttached: number): void {
  if (!bundle) {
    if (!downloadUrl) {
      throw new MailError('INVALID_OPTIONS', 'Cannot build the release email: pass release.bundle to attach it, or downloadUrl where a bundle too large to attach can be fetched.');
    }
    return;
  }
  if (bundle.length > maxAttached) {
    throw new MailError(
      'INVALID_OPTIONS',
      `Cannot build the release email: the bundle is ${bundle.length} bytes, over the ${maxAttached} bytes that are attached. Leave release.bundle out and pass downloadUrl instead.`,
    );
  }
  const actual = createHash('sha256').update(bundle).digest('hex');
  if (bundle.length !== size || actual !== sha256) {
    throw new MailError(
      'BUNDLE_MISMATCH',
      `The bundle given is not the one the release names: it has ${bundle.length} bytes and sha256 ${actual}, the release says ${size} bytes and ${sha256}. Attach the bundle that was signed.`,
    );
  }
}
