/**
 * Every limit on untrusted mail, in one place. Mail reaches the agent and the server from anyone
 * who can send to their address, so each number bounds the memory or work one message can cost.
 * A message over a limit is classified (`TOO_LARGE`, `MALFORMED_MIME`), never half-processed.
 * Callers may pass a partial override (tests, an organisation with bigger apps); the defaults are
 * what the agent and the embedded hub use.
 */
import { MailError } from './mail-error.js';

export interface MailLimits {
  /** Largest raw message looked at, in bytes. Base64 grows an attachment by 4/3, so 40 MiB carries a 25 MiB bundle plus the body and the release JSON with room to spare. */
  maxMessageBytes: number;
  /** Largest bundle that is attached; a bigger one travels as a download link (the signed release JSON still names its hash). */
  maxAttachedBundleBytes: number;
  /** Largest header block, of the message and of each MIME part. Real headers are a few KiB; 64 KiB also fits long Received chains. */
  maxHeaderBytes: number;
  /** Most MIME parts (every node, containers included). Ours has 5; 64 leaves room for a relay's disclaimer parts. */
  maxMimeParts: number;
  /** Most attachments (parts with a file name or an attachment disposition). Ours has 2. */
  maxAttachments: number;
  /** Deepest nesting of multipart and message/rfc822 parts. Ours is 2 deep; forwarding adds 2 each time. */
  maxNestingDepth: number;
  /** Largest decoded release JSON (DSSE envelope); real ones are a few KiB. */
  maxReleaseJsonBytes: number;
  /** Largest decoded status JSON an agent sends back. */
  maxStatusJsonBytes: number;
}

export const DEFAULT_MAIL_LIMITS: Readonly<MailLimits> = Object.freeze({
  maxMessageBytes: 40 * 1024 * 1024,
  maxAttachedBundleBytes: 25 * 1024 * 1024,
  maxHeaderBytes: 64 * 1024,
  maxMimeParts: 64,
  maxAttachments: 8,
  maxNestingDepth: 8,
  maxReleaseJsonBytes: 1024 * 1024,
  maxStatusJsonBytes: 256 * 1024,
});

/** The defaults with the caller's overrides; a non-positive or non-integer override is a programming error. */
export function resolveLimits(overrides: Partial<MailLimits> | undefined): Readonly<MailLimits> {
  if (!overrides) return DEFAULT_MAIL_LIMITS;
  const merged = { ...DEFAULT_MAIL_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new MailError('INVALID_OPTIONS', `Mail limit ${name} must be a positive whole number of bytes or items: got ${String(value)}`);
    }
  }
  return Object.freeze(merged);
}
