import * as z from 'zod';
import { appNameSchema, appVersionSchema } from './app-manifest.js';
import { keyIdSchema, orgSchema } from './key-list.js';
import { lazySchema } from './lazy-schema.js';

/** The statement a release envelope carries: what was released, by whom, until when. */
export const RELEASE_STATEMENT_TYPE = 'https://marketplace.local/release/v1';

const isoDateTime = lazySchema(() =>
  z.iso.datetime({ offset: true }),
);
/** A content digest in the OCI form `sha256:<64 hex>`. */
const digest = lazySchema(() =>
  z.string().regex(/^sha256:[0-9a-f]{64}$/, { message: 'must be a digest such as "sha256:<64 lower-case hex digits>"' }),
);
const verdict = lazySchema(() =>
  z.enum(['clean', 'flagged']),
);

export const releaseStatementSchema = lazySchema(() =>
  z
    .object({
      _type: z.literal(RELEASE_STATEMENT_TYPE).default(RELEASE_STATEMENT_TYPE),
      app: appNameSchema,
      version: appVersionSchema,
      org: orgSchema,
      bundle: z
        .object({
          name: z.string().regex(/^[a-z0-9][A-Za-z0-9.-]*\.tgz$/, { message: 'must be a bundle file name such as "room-booking-1.2.0.tgz"' }),
          sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hex digits' }),
          size: z.number().int().min(1),
        })
        .strict(),
      /** Digest of the AppSpec the app was generated from. */
      specDigest: digest,
      /** Digest of the validation report (build, tests, start, health). */
      validationReportDigest: digest,
      scan: z
        .object({
          verdict,
          scanners: z.array(z.object({ name: z.string().min(1).max(100), verdict, detail: z.string().max(2000).optional() }).strict()).max(32),
        })
        .strict(),
      /** Who approved publication (user id or e-mail address). */
      approver: z.string().min(1).max(254),
      changelog: z.string().max(20_000).optional(),
      publishedAt: isoDateTime,
      /** After this moment agents refuse the release (freeze). */
      expiresAt: isoDateTime,
      /** The id of the release key that signs the statement. */
      keyId: keyIdSchema,
    })
    .strict()
    .refine((statement) => statement.bundle.name === bundleFileName(statement.app, statement.version), {
      message: 'bundle.name must be "<app>-<version>.tgz"',
      path: ['bundle', 'name'],
    })
    .refine((statement) => Date.parse(statement.expiresAt) > Date.parse(statement.publishedAt), {
      message: 'expiresAt must be after publishedAt',
      path: ['expiresAt'],
    }),
);

export type ReleaseStatement = z.infer<typeof releaseStatementSchema>;
export type ReleaseStatementInput = z.input<typeof releaseStatementSchema>;

/** `<name>-<version>.tgz` */
export function bundleFileName(app: string, version: string): string {
  return `${app}-${version}.tgz`;
}

/** `<name>-<version>.release.json` */
export function releaseFileName(app: string, version: string): string {
  return `${app}-${version}.release.json`;
}
