import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

/**
 * The Ed25519 public key (SPKI PEM) an agent signs its status mails with, given at enrolment or
 * later over its authenticated HTTP channel. Stored normalised; anything else is refused with the reason.
 */
export const reportKeySchema = z
  .string()
  .trim()
  .max(2000)
  .transform((pem, ctx) => {
    try {
      const key = createPublicKey({ key: pem, format: 'pem' });
      if (key.asymmetricKeyType !== 'ed25519') {
        ctx.addIssue({ code: 'custom', message: `must be an Ed25519 public key (this one is ${key.asymmetricKeyType})` });
        return z.NEVER;
      }
      return key.export({ type: 'spki', format: 'pem' }).toString();
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)' });
      return z.NEVER;
    }
  });
