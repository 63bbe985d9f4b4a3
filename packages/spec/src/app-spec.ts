import { z } from 'zod';

/**
 * The AppSpec: the structured description of one app, shared by the server, the web UI,
 * the MCP server and the CLI. `specVersion` changes only with a breaking change.
 *
 * Limits here are the ones every consumer relies on (generators, validation, the UI):
 * they keep a hostile or accidental spec from asking for unbounded work.
 */
export const SPEC_LIMITS = {
  nameLength: 48,
  titleLength: 120,
  summaryLength: 2000,
  entities: 20,
  fieldsPerEntity: 60,
  enumValues: 100,
  enumValueLength: 80,
  sources: 20,
  outputs: 20,
  mcpTools: 10,
  fixedArguments: 20,
  fixedArgumentLength: 500,
  missing: 30,
} as const;

export const APP_KINDS = ['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool'] as const;
export type AppKind = (typeof APP_KINDS)[number];

export const FIELD_TYPES = [
  'string',
  'text',
  'number',
  'integer',
  'boolean',
  'date',
  'datetime',
  'email',
  'url',
  'enum',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const SOURCE_TYPES = ['http-json', 'rss', 'csv', 'imap'] as const;
export const OUTPUT_TYPES = ['email', 'webhook', 'file', 'dashboard'] as const;
export const AUTH_MODES = ['none', 'sso', 'api-key'] as const;
/** Languages a generated app can speak; the request's language by default. */
export const APP_LANGUAGES = ['en', 'pl'] as const;
export type AppLanguage = (typeof APP_LANGUAGES)[number];

/** A slug: lowercase letters, digits and single hyphens, starting with a letter. */
export const slugSchema = z
  .string()
  .min(2)
  .max(SPEC_LIMITS.nameLength)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
    message: 'must be a slug: lowercase letters, digits and single hyphens, starting with a letter (e.g. "room-booking")',
  });

/** An identifier usable as a column / property name in generated code. */
export const identifierSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, {
    message: 'must start with a letter and contain only letters, digits and underscores (e.g. "startTime")',
  });

export const fieldSchema = z
  .object({
    name: identifierSchema,
    type: z.enum(FIELD_TYPES),
    required: z.boolean().optional(),
    label: z.string().max(120).optional(),
    values: z.array(z.string().min(1).max(SPEC_LIMITS.enumValueLength)).min(1).max(SPEC_LIMITS.enumValues).optional(),
    /** No two records may share the value. */
    unique: z.boolean().optional(),
    /** Smallest and largest allowed value of a number or integer field ("from 1 to 5"). */
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    /** The value a new record starts with. */
    default: z.union([z.string().max(200), z.number().finite(), z.boolean()]).optional(),
  })
  .strict()
  .superRefine((field, ctx) => {
    if (field.type === 'enum' && (!field.values || field.values.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'an enum field needs its list of values' });
    }
    if (field.type !== 'enum' && field.values) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `values are only allowed on enum fields, not on type "${field.type}"` });
    }
    if ((field.min !== undefined || field.max !== undefined) && field.type !== 'number' && field.type !== 'integer') {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min and max are only allowed on number and integer fields, not on type "${field.type}"` });
    }
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `max (${field.max}) must not be smaller than min (${field.min})` });
    }
    if (field.default !== undefined && field.type === 'enum' && !field.values?.includes(String(field.default))) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'the default of an enum field must be one of its values' });
    }
    if (field.values && new Set(field.values).size !== field.values.length) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'enum values must be unique' });
    }
  });
export type Field = z.infer<typeof fieldSchema>;

export const entitySchema = z
  .object({
    name: identifierSchema,
    /** How people call one record, in the app's language ("Laptop", "Wniosek urlopowy"); the UI shows it instead of `name`. */
    label: z.string().min(1).max(120).optional(),
    fields: z.array(fieldSchema).min(1).max(SPEC_LIMITS.fieldsPerEntity),
  })
  .strict()
  .superRefine((entity, ctx) => {
    const seen = new Set<string>();
    for (const [index, field] of entity.fields.entries()) {
      const key = field.name.toLowerCase();
      if (key === 'id' || key === 'createdat' || key === 'updatedat') {
        ctx.addIssue({ code: 'custom', path: ['fields', index, 'name'], message: `"${field.name}" is reserved: every record gets id, createdAt and updatedAt` });
      }
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['fields', index, 'name'], message: `duplicate field "${field.name}"` });
      }
      seen.add(key);
    }
  });
export type Entity = z.infer<typeof entitySchema>;

export const scheduleSchema = z
  .object({
    /** Five-field cron expression (minute hour day-of-month month day-of-week). */
    cron: z.string().min(9).max(120),
    timezone: z.string().max(64).optional(),
  })
  .strict();
export type Schedule = z.infer<typeof scheduleSchema>;

/** A relative path inside the app's own data directory: no absolute paths, no `..`. */
const safeRelativePath = z
  .string()
  .min(1)
  .max(255)
  .refine((p) => !p.startsWith('/') && !p.startsWith('\\') && !/^[a-zA-Z]:/.test(p), { message: 'must be a relative path inside the app data directory, not an absolute path' })
  .refine((p) => !p.split(/[\\/]/).includes('..'), { message: 'must not contain ".." segments' })
  .refine((p) => !p.includes('\0'), { message: 'must not contain NUL characters' });

/**
 * A read-only file on the employee's workstation, outside the app's folder (a shared export the
 * app only reads): an absolute path, POSIX ("/srv/exports/sales.csv") or Windows
 * ("C:\\exports\\sales.csv", "\\\\server\\share\\x.csv"). The release declares it; the agent grants
 * it only when the organisation's policy allows the path.
 */
export const workstationPathSchema = z
  .string()
  .min(2)
  .max(1024)
  .refine((p) => !p.includes('\0'), { message: 'must not contain NUL characters' })
  .refine((p) => p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || /^\\\\[^\\/]+[\\/][^\\/]+/.test(p), {
    message: 'must be an absolute path on the workstation, e.g. "/srv/exports/sales.csv" or "C:\\exports\\sales.csv"',
  })
  .refine((p) => !p.split(/[\\/]/).some((segment) => segment === '..' || segment === '.'), { message: 'must not contain "." or ".." segments' })
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\u0001-\u001f\u007f]/.test(p), { message: 'must not contain control characters' });

const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// URL' });

export const sourceSchema = z
  .object({
    type: z.enum(SOURCE_TYPES),
    url: httpUrl.optional(),
    /** A file inside the app's own data folder. */
    path: safeRelativePath.optional(),
    /** A read-only file on the workstation outside the app's folder (see workstationPathSchema). */
    workstationPath: workstationPathSchema.optional(),
  })
  .strict()
  .refine((source) => !(source.path && source.workstationPath), { message: 'give either path (inside the app data folder) or workstationPath (a read-only file elsewhere), not both', path: ['workstationPath'] });
export type Source = z.infer<typeof sourceSchema>;

export const outputSchema = z
  .object({
    type: z.enum(OUTPUT_TYPES),
    target: z.string().max(2048).optional(),
  })
  .strict();
export type Output = z.infer<typeof outputSchema>;

/**
 * A tool of an MCP server the organisation registered (Admin → MCP servers) that the app uses as a
 * source (it reads what the tool answers) or an output (it hands its results to the tool). The
 * server is named as registered; the organisation's policy (`mcpAutomationTools`) decides whether
 * the call is allowed, and a tool outside it is shown to a reviewer before the app is published.
 */
export const mcpToolUseSchema = z
  .object({
    server: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, { message: 'must be the name of a registered MCP server: 1-63 lowercase letters, digits, ".", "_" or "-"' }),
    tool: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'must be a tool name: 1-128 letters, digits, "_", "." or "-"' }),
    use: z.enum(['source', 'output']),
    /** What the app does with it, in the app's language ("finds the Jira project of a team"). */
    purpose: z.string().min(1).max(200).optional(),
    /**
     * Arguments fixed for this use (`{ "project": "OPS" }`): every call must carry exactly these
     * values, checked by the marketplace before the tool is called; a reviewer sees them. Other
     * arguments stay free.
     */
    arguments: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, { message: 'must be an argument name: a letter, then up to 63 letters, digits, "_", "." or "-"' }),
        z.union([z.string().max(SPEC_LIMITS.fixedArgumentLength), z.number().finite(), z.boolean()]),
      )
      .refine((fixed) => Object.keys(fixed).length <= SPEC_LIMITS.fixedArguments, { message: `at most ${SPEC_LIMITS.fixedArguments} fixed arguments` })
      .optional(),
  })
  .strict();
export type McpToolUse = z.infer<typeof mcpToolUseSchema>;

export const appSpecSchema = z
  .object({
    specVersion: z.literal(1),
    name: slugSchema,
    title: z.string().min(1).max(SPEC_LIMITS.titleLength),
    summary: z.string().max(SPEC_LIMITS.summaryLength),
    kind: z.enum(APP_KINDS),
    entities: z.array(entitySchema).max(SPEC_LIMITS.entities).optional(),
    schedule: scheduleSchema.optional(),
    sources: z.array(sourceSchema).max(SPEC_LIMITS.sources).optional(),
    outputs: z.array(outputSchema).max(SPEC_LIMITS.outputs).optional(),
    /** Tools of registered MCP servers the app calls, each as a source or an output. */
    mcpTools: z.array(mcpToolUseSchema).max(SPEC_LIMITS.mcpTools).optional(),
    auth: z.enum(AUTH_MODES).optional(),
    /** The language of the app's screens, e-mails and CSV headers (default "en"). */
    language: z.enum(APP_LANGUAGES).optional(),
    /** Tags for the catalog (free words). */
    tags: z.array(z.string().min(1).max(40)).max(20).optional(),
    /** What is still unknown; the conversation asks about it. */
    missing: z.array(z.string().max(200)).max(SPEC_LIMITS.missing).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    for (const [index, entity] of (spec.entities ?? []).entries()) {
      const key = entity.name.toLowerCase();
      if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['entities', index, 'name'], message: `duplicate entity "${entity.name}"` });
      names.add(key);
    }
    const tools = new Set<string>();
    for (const [index, use] of (spec.mcpTools ?? []).entries()) {
      const key = `${use.server}/${use.tool}/${use.use}`;
      if (tools.has(key)) ctx.addIssue({ code: 'custom', path: ['mcpTools', index], message: `"${use.server}/${use.tool}" is declared twice as ${use.use === 'source' ? 'a source' : 'an output'}` });
      tools.add(key);
    }
  });
export type AppSpec = z.infer<typeof appSpecSchema>;

/** JSON Schema (draft 2020-12) of the AppSpec, for other languages and tools. */
export function appSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(appSpecSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}

export interface SpecIssue {
  path: string;
  message: string;
}

/** Validate unknown input as an AppSpec; issues name the path and what to do. */
export function parseAppSpec(input: unknown): { ok: true; spec: AppSpec } | { ok: false; issues: SpecIssue[] } {
  const result = appSpecSchema.safeParse(input);
  if (result.success) return { ok: true, spec: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.length ? issue.path.join('.') : '(root)',
      message: issue.message,
    })),
  };
}
