import * as z from 'zod';
import { lazySchema } from '@marketplace/release';

/** Field schemas shared by the builders: each says in its message what a valid value looks like. */

export const emailAddressSchema = lazySchema(() =>
  z.email({ message: 'must be an email address such as agent@example.com' }).max(254),
);

/** An address alone, or with a display name. */
export const mailboxSchema = lazySchema(() =>
  z.union([emailAddressSchema, z.object({ name: z.string().max(200), address: emailAddressSchema }).strict()]),
);
export type MailboxInput = z.infer<typeof mailboxSchema>;

export const recipientsSchema = lazySchema(() =>
  z.union([mailboxSchema, z.array(mailboxSchema).min(1).max(100)]),
);

export const slugSchema = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be a slug such as "room-booking" (lower-case letters, digits, hyphens)' }),
);

export const semverSchema = lazySchema(() =>
  z
    .string()
    .max(64)
    .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/, { message: 'must be a semantic version such as 1.2.0' }),
);

/** `<id@domain>`: the caller derives it from what is sent (release id, recipient) so a retry sends the same message. */
export const messageIdSchema = lazySchema(() =>
  z
    .string()
    .max(250)
    .regex(/^<[^<>\s@]+@[^<>\s@]+>$/, { message: 'must look like <unique-part@your.domain>, angle brackets included' }),
);

/** A file name with no directory part, safe to save as given. */
export const fileNameSchema = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { message: 'must be a plain file name (letters, digits, ".", "_", "+", "-"), no directories' }),
);

export const sha256HexSchema = lazySchema(() =>
  z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hex digits (a sha256)' }),
);

export const httpUrlSchema = lazySchema(() =>
  z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2048),
);

export const dkimOptionsSchema = lazySchema(() =>
  z
    .object({
      domainName: z.string().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, { message: 'must be the signing domain, such as example.com' }),
      keySelector: z.string().min(1).max(63).regex(/^[A-Za-z0-9._-]+$/, { message: 'must be the DNS selector, such as "mail2026"' }),
      privateKey: z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key (RSA or Ed25519)' }),
    })
    .strict(),
);

/** DKIM signing settings: the private key's DNS record lives at `<keySelector>._domainkey.<domainName>`. */
export type DkimOptions = z.infer<typeof dkimOptionsSchema>;
