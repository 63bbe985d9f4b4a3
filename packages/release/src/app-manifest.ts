import * as z from 'zod';
import { lazySchema } from './lazy-schema.js';

/**
 * `app.json`: the manifest inside every bundle. The generators write it, the server records it,
 * the agent's policy checks it before anything runs and its runtimes start the app from it.
 */
export const APP_MANIFEST_FILE = 'app.json';

/** An app version: MAJOR.MINOR.PATCH with an optional pre-release part (no build metadata). */
export const appVersionSchema = lazySchema(() =>
  z
    .string()
    .max(64)
    .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/, { message: 'must be a semantic version such as 1.2.0' }),
);

/** An app name: a lower-case slug, also used in bundle file names. */
export const appNameSchema = lazySchema(() =>
  z
    .string()
    .min(2)
    .max(48)
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { message: 'must be a slug such as "room-booking"' }),
);

/** A host the app may reach: a DNS name or IP, optionally with a port. */
const networkHost = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^[a-zA-Z0-9.\-*:[\]]+$/, { message: 'must be a host name or address, optionally with :port' }),
);

/**
 * An absolute path on a workstation, POSIX ("/srv/exports/sales.csv") or Windows ("C:\\exports\\x.csv",
 * "\\\\server\\share\\x.csv"), without "." or ".." segments or control characters: what an app may read
 * outside its data directory, and what an organisation's policy allows as a prefix.
 */
export const workstationPathSchema = lazySchema(() =>
  z
    .string()
    .min(2)
    .max(1024)
    .refine((p) => p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || /^\\\\[^\\/]+[\\/][^\\/]+/.test(p), { message: 'must be an absolute path on the workstation, e.g. "/srv/exports/sales.csv" or "C:\\exports\\sales.csv"' })
    .refine((p) => !p.split(/[\\/]/).some((segment) => segment === '..' || segment === '.'), { message: 'must not contain "." or ".." segments' })
    // eslint-disable-next-line no-control-regex
    .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), { message: 'must not contain control characters' }),
);

const envName = lazySchema(() =>
  z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: 'must be an UPPER_SNAKE_CASE variable name' }),
);

export const appManifestSchema = lazySchema(() =>
  z
    .object({
      manifestVersion: z.literal(1),
      name: appNameSchema,
      version: appVersionSchema,
      kind: z.enum(['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool']),
      title: z.string().min(1).max(120),
      /** The runtime the app needs; `node` means the plain Node.js that runs the agent (>= 20). */
      runtime: z.object({ name: z.literal('node'), version: z.string().max(32) }).strict(),
      /** argv of the start command, relative to the app directory; never run through a shell. */
      start: z.array(z.string().min(1).max(512)).min(1).max(32),
      /** The port the app listens on by default; the agent passes its own choice in PORT. */
      port: z.number().int().min(1).max(65535),
      health: z
        .object({
          path: z.string().startsWith('/').max(256),
          /** How long a fresh start may take to become healthy. */
          timeoutSeconds: z.number().int().min(1).max(600).default(30),
        })
        .strict(),
      resources: z
        .object({
          memoryMb: z.number().int().min(16).max(65536),
          cpu: z.number().min(0.05).max(64),
          diskMb: z.number().int().min(1).max(1048576),
        })
        .strict(),
      permissions: z
        .object({
          /** Outbound hosts the app needs; empty means loopback only. */
          network: z.array(networkHost).max(100),
          /** Whether the app sends mail (through the SMTP settings it is given). */
          mail: z.boolean(),
          /** Whether the app writes files outside its data directory (never granted by default policy). */
          filesystem: z.enum(['data-dir', 'none']),
          /**
           * Files outside the data directory the app reads (never writes), each given to the app in its
           * setting. The agent grants them only where the organisation's signed policy allows the path.
           */
          readPaths: z.array(z.object({ path: workstationPathSchema, setting: envName }).strict()).max(16).optional(),
          /**
           * Whether the app calls the MCP tools its spec declares, through its agent: only then the agent
           * gives it MARKETPLACE_AGENT_URL and its own MARKETPLACE_APP_TOKEN. The server checks each call
           * against the published spec and the organisation's policy, whatever this says.
           */
          mcpTools: z.boolean().optional(),
        })
        .strict(),
      /** Settings the app reads from its environment, with a description each (documented in its README). */
      env: z
        .array(
          z
            .object({
              name: envName,
              description: z.string().max(500),
              required: z.boolean().default(false),
              secret: z.boolean().default(false),
            })
            .strict(),
        )
        .max(100)
        .default([]),
    })
    .strict(),
);

export type AppManifest = z.infer<typeof appManifestSchema>;
export type AppManifestInput = z.input<typeof appManifestSchema>;

export function parseAppManifest(input: unknown): { ok: true; manifest: AppManifest } | { ok: false; issues: { path: string; message: string }[] } {
  const result = appManifestSchema.safeParse(input);
  if (result.success) return { ok: true, manifest: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: issue.path.length ? issue.path.join('.') : '(root)', message: issue.message })),
  };
}
