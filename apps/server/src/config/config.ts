import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { safeMailboxName } from '@marketplace/mail/hub';

/**
 * Every setting the server reads from its environment, in one schema.
 * `.env.example` documents each one; `loadConfig` fails fast naming the variable, the value and what is expected.
 */
const port = <T extends number | undefined>(fallback: T) =>
  z
    .string()
    .optional()
    .transform((value, ctx): number | T => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `expected a port number from 0 to 65535, got '${value}'` });
        return z.NEVER;
      }
      return n;
    });

/** A whole number from `min` to `max`; `range` words the expectation in the error. */
const integer = (fallback: number, min: number, max: number, range: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${range}, got '${value}'` });
        return z.NEVER;
      }
      return n;
    });

const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) => integer(fallback, 1, max, `1 to ${max}`);

/** A whole number from 0 (0: off) to max. */
const wholeNumber = (fallback: number, max: number) => integer(fallback, 0, max, `0 (off) to ${max}`);

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got '${value}'` });
      return z.NEVER;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const mailboxList = optionalString.transform((value, ctx) => {
  const addresses = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = addresses.filter((address) => safeMailboxName(address) === null);
  if (bad.length) {
    ctx.addIssue({ code: 'custom', message: `expected plain addresses separated by commas (letters, digits, ".", "_", "+", "-"), got '${bad[0]!.slice(0, 100)}'` });
    return z.NEVER;
  }
  return addresses.map((address) => address.toLowerCase());
});

/** proxy-addr's names for address ranges. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Which proxies in front of the server may say who the client is (X-Forwarded-For, -Proto, -Host):
 * none (false), the nearest N hops, or the proxies' addresses (IP, IP/prefix, loopback, linklocal,
 * uniquelocal). Never "everyone": then any client could name any address and slip its rate limits.
 */
const trustProxy = optionalString.transform((value, ctx): false | number | string[] => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') {
    ctx.addIssue({ code: 'custom', message: "'true' would believe whatever address any client claims; give the number of proxies in front of the server (e.g. 1) or their addresses (e.g. 10.0.0.0/8,loopback)" });
    return z.NEVER;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && hops <= 10) return hops;
    ctx.addIssue({ code: 'custom', message: `expected 1 to 10 proxies in front of the server, got ${value}` });
    return z.NEVER;
  }
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.find((entry) => {
    if (PROXY_RANGES.includes(entry)) return false;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return true;
    return prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
  if (bad !== undefined || !entries.length) {
    ctx.addIssue({ code: 'custom', message: `expected a number of proxies (1–10) or addresses separated by commas (IP, IP/prefix, loopback, linklocal, uniquelocal), got '${(bad ?? value).slice(0, 100)}'` });
    return z.NEVER;
  }
  return entries;
});

const url = (protocols: string[]) =>
  optionalString.superRefine((value, ctx) => {
    if (value === undefined) return;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      // An unparsable URL may still carry a password: say what it looks like, not what it is.
      ctx.addIssue({ code: 'custom', message: `expected a URL such as ${protocols[0]}//host:port/…, got something that is not a URL (${value.length} characters)` });
      return;
    }
    if (!protocols.includes(parsed.protocol)) {
      ctx.addIssue({ code: 'custom', message: `expected a URL starting with ${protocols.join(' or ')}, got '${parsed.protocol}'` });
    }
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port(8000),
  // The worker and smtp roles' operations endpoint (/healthz, /readyz, /metrics): off unless OPS_PORT is set.
  OPS_PORT: port(undefined),
  OPS_HOST: optionalString,
  PUBLIC_URL: url(['http:', 'https:']),
  DATA_DIR: z.string().min(1).default('./data'),
  WORK_DIR: optionalString,
  // Default: warn in production (no per-request lines; errors keep their request id), info elsewhere.
  LOG_LEVEL: z.preprocess((value) => (value === '' ? undefined : value), z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  JWT_SECRET: optionalString.superRefine((value, ctx) => {
    if (value !== undefined && value.length < 32) ctx.addIssue({ code: 'custom', message: `expected at least 32 characters (got ${value.length}); generate one with: openssl rand -base64 48` });
  }),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900, 86_400),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(30, 365),
  CORS_ORIGINS: optionalString.transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
  RATE_LIMIT_PER_MINUTE: positiveInt(600, 1_000_000),
  TRUST_PROXY: trustProxy,
  BODY_LIMIT_BYTES: positiveInt(1_048_576, 512 * 1_048_576),
  SMTP_HOST: optionalString,
  SMTP_PORT: port(587),
  SMTP_SECURE: bool(false),
  SMTP_USER: optionalString,
  SMTP_PASS: optionalString,
  SMTP_FROM: z.string().default('marketplace@marketplace.localhost'),
  SMTP_LISTEN_PORT: port(2525),
  MAIL_HUB_HOST: z.string().trim().min(1).default('127.0.0.1'),
  MAIL_HUB_PORT: optionalString.superRefine((value, ctx) => {
    if (value !== undefined && !(/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535)) ctx.addIssue({ code: 'custom', message: `expected a port number from 1 to 65535, got '${value}'` });
  }),
  MAIL_HUB_MAILBOXES: mailboxList,
  MAIL_HUB_MAX_MESSAGE_BYTES: positiveInt(40 * 1_048_576, 1024 * 1_048_576),
  MAIL_HUB_MAILBOX_QUOTA_BYTES: wholeNumber(2 * 1024 * 1_048_576, Number.MAX_SAFE_INTEGER),
  MAIL_HUB_CONNECTIONS_PER_MINUTE_PER_CLIENT: wholeNumber(6000, 10_000_000),
  MAIL_HUB_MESSAGES_PER_MINUTE_PER_CLIENT: wholeNumber(6000, 10_000_000),
  MAIL_HUB_MESSAGES_PER_MINUTE_PER_SENDER: wholeNumber(1200, 10_000_000),
  MAIL_HUB_GREETING_DELAY_MS: wholeNumber(0, 60_000),
  MAIL_VERIFY_AUTH: bool(false),
  MAIL_ALLOW_UNVERIFIED_SENDERS: bool(false),
  MAIL_SENDER_LIMIT_PER_HOUR: positiveInt(20, 10_000),
  CONVERSATION_IDLE_HOURS: positiveInt(336, 24 * 365),
  IMAP_HOST: optionalString,
  IMAP_PORT: port(993),
  IMAP_SECURE: bool(true),
  IMAP_USER: optionalString,
  IMAP_PASS: optionalString,
  CLIENT_ID: optionalString,
  CLIENT_SECRET: optionalString,
  GMAIL_CLIENT_ID: optionalString,
  GMAIL_CLIENT_SECRET: optionalString,
  GMAIL_API_URL: url(['http:', 'https:']),
  GOOGLE_OAUTH_URL: url(['http:', 'https:']),
  GOOGLE_TOKEN_URL: url(['http:', 'https:']),
  GOOGLE_REVOKE_URL: url(['http:', 'https:']),
  GMAIL_PUBSUB_TOPIC: z.preprocess((value) => (value === '' ? undefined : value), z.string().trim().regex(/^projects\/[a-z][a-z0-9-]{4,61}[a-z0-9]\/topics\/[A-Za-z][\w.~+%-]{2,254}$/, "expected 'projects/<project id>/topics/<topic>'").optional()),
  GMAIL_PUSH_AUDIENCE: optionalString,
  GMAIL_PUSH_SERVICE_ACCOUNT: z.preprocess((value) => (value === '' ? undefined : value), z.string().trim().toLowerCase().email('expected the e-mail address of the push subscription\'s service account').optional()),
  GOOGLE_JWKS_URL: url(['http:', 'https:']),
  MAIL_TRANSPORT: z.preprocess((value) => (value === '' ? undefined : value), z.enum(['smtp', 'gmail'], { message: "expected 'smtp' or 'gmail'" }).default('smtp')),
  OIDC_ISSUER: url(['http:', 'https:']),
  OIDC_NAME: z.string().trim().max(60).default('Single sign-on'),
  OIDC_ORGANIZATION: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url(['http:', 'https:']),
  ANTHROPIC_API_KEY: optionalString,
  OLLAMA_BASE_URL: url(['http:', 'https:']),
  DKIM_DOMAIN: optionalString,
  DKIM_SELECTOR: optionalString,
  DKIM_PRIVATE_KEY_FILE: optionalString,
  CLAMD_HOST: optionalString,
  CLAMD_PORT: port(3310),
  RSPAMD_URL: url(['http:', 'https:']),
  ROOT_KEY_PASSPHRASE: optionalString,
  ROOT_KEY_FILE: optionalString,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool(false),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000, 60_000),
  WEBHOOK_RETRY_SCHEDULE: optionalString.transform((value, ctx) => {
    if (value === undefined) return [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
    const delays = value.split(',').map((part) => part.trim());
    if (delays.length > 20 || delays.some((delay) => !/^\d+$/.test(delay) || Number(delay) < 1 || Number(delay) > 86_400)) {
      ctx.addIssue({ code: 'custom', message: `expected up to 20 delays in seconds (1 to 86400) separated by commas, such as 5,300,1800; got '${value.slice(0, 100)}'` });
      return z.NEVER;
    }
    return delays.map(Number);
  }),
  WEBHOOK_DISABLE_AFTER_FAILURES: wholeNumber(100, 1_000_000),
  WEBHOOK_DISABLE_AFTER_DAYS: wholeNumber(5, 365),
  WEBHOOK_SECRET_OVERLAP_HOURS: wholeNumber(24, 720),
  WEBHOOK_RETENTION_DAYS: positiveInt(30, 3650),
  GIT_PUSH_ALLOW_PRIVATE_TARGETS: bool(false),
  GIT_PUSH_TIMEOUT_MS: positiveInt(120_000, 3_600_000),
  MCP_STDIO_SERVERS: z.preprocess((value) => (value === '' ? undefined : value), z.enum(['off', 'allow'], { error: "expected 'off' or 'allow'" }).default('off')),
  MCP_ALLOW_PRIVATE_TARGETS: bool(false),
  MCP_CALL_TIMEOUT_MS: positiveInt(30_000, 300_000),
  MCP_MAX_OUTPUT_BYTES: positiveInt(262_144, 10_485_760),
  MCP_APP_CALLS_PER_MINUTE: positiveInt(60, 6000),
  MQTT_URL: url(['mqtt:', 'mqtts:', 'ws:', 'wss:']),
  MQTT_TOPIC_PREFIX: z.string().trim().regex(/^[A-Za-z0-9_-]{1,40}$/, 'expected 1-40 letters, digits, "_" or "-" (no "/", "+" or "#")').default('marketplace'),
});

export type Env = z.input<typeof envSchema>;

/** Every setting's name (each is documented in .env.example). */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /**
   * Where the worker and smtp roles (no HTTP app) answer /healthz, /readyz and /metrics: OPS_HOST (default
   * HOST) and OPS_PORT; undefined (no endpoint) while OPS_PORT is not set. The api and all roles serve them on PORT.
   */
  readonly ops: { readonly host: string; readonly port: number } | undefined;
  readonly publicUrl: string;
  readonly dataDir: string;
  /** Scratch space of the workers' validations (each worker a directory of its own inside); default $TMPDIR/marketplace-work. */
  readonly workDir: string;
  readonly logLevel: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Undefined only before `resolveJwtSecret` has run (development generates and persists one). */
  readonly jwtSecret: string | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlDays: number;
  readonly corsOrigins: readonly string[];
  readonly rateLimitPerMinute: number;
  /** The proxies whose X-Forwarded-For names the client (rate limits, audit, sessions): none, N hops, or their addresses. */
  readonly trustProxy: false | number | readonly string[];
  readonly bodyLimitBytes: number;
  readonly smtp: { readonly host?: string; readonly port: number; readonly secure: boolean; readonly user?: string; readonly pass?: string; readonly from: string; readonly listenPort: number };
  /**
   * The embedded mail hub: extra mailboxes it serves besides agents, accounts and the service
   * address; the largest message; the rate limits (0: off) and the mailbox quota (0: none); the
   * pause before the SMTP greeting. Where processes without SMTP_HOST send mail: the embedded hub of the
   * `all` or `smtp` role (MAIL_HUB_HOST, MAIL_HUB_PORT; default this machine and SMTP_LISTEN_PORT);
   * `hostSet`: MAIL_HUB_HOST was given.
   */
  readonly mailHub: {
    readonly host: string;
    readonly port: number;
    readonly hostSet: boolean;
    readonly mailboxes: readonly string[];
    readonly maxMessageBytes: number;
    readonly mailboxQuotaBytes: number;
    readonly connectionsPerMinutePerClient: number;
    readonly messagesPerMinutePerClient: number;
    readonly messagesPerMinutePerSender: number;
    readonly greetingDelayMs: number;
  };
  /** Incoming conversation mail: DKIM/DMARC verification (mailauth) and how many messages one sender may send per hour. */
  /** rspamd's normal worker (HTTP protocol, POST /checkv2) scores incoming mail for spam; unset: the built-in rules. */
  readonly rspamdUrl?: string | undefined;
  readonly mailIngest: { readonly verifyAuth: boolean; readonly allowUnverifiedSenders: boolean; readonly senderLimitPerHour: number };
  /** A conversation not yet building whose last turn is older than `idleHours` is marked abandoned (by the worker role's sweeper). */
  readonly conversations: { readonly idleHours: number };
  readonly imap: { readonly host?: string; readonly port: number; readonly secure: boolean; readonly user?: string; readonly pass?: string };
  /**
   * Enterprise sign-in (OpenID Connect): on when `issuer` and `clientId` are set. `name` labels the
   * sign-in button; `organization` (an id or slug) binds SSO to one organisation and lets unknown
   * e-mails join it as members.
   */
  /**
   * The Gmail API as a service mailbox (decision 0037): on when `clientId` and `clientSecret` are set (the
   * OAuth client the operator registered at Google); an admin connects the mailbox once in the web UI.
   * The endpoint URLs are Google's unless set (a local replay server in tests).
   */
  readonly gmail:
    | {
        readonly clientId: string;
        readonly clientSecret: string;
        readonly apiUrl: string;
        readonly authorizationUrl: string;
        readonly tokenUrl: string;
        readonly revocationUrl: string;
        /** Gmail push (users.watch → Pub/Sub → POST /api/v1/gmail/push, decision 0050); undefined: history polling only. */
        readonly push: { readonly topic: string; readonly audience: string; readonly serviceAccount: string | undefined; readonly jwksUrl: string } | undefined;
      }
    | undefined;
  /** How outgoing mail leaves: SMTP (relay or embedded hub), or the connected Gmail mailbox of SMTP_FROM's address. */
  readonly mailTransport: 'smtp' | 'gmail';
  readonly oidc: { readonly issuer?: string; readonly clientId?: string; readonly clientSecret?: string; readonly name: string; readonly organization?: string };
  readonly llm: { readonly openaiApiKey?: string; readonly openaiBaseUrl?: string; readonly anthropicApiKey?: string; readonly ollamaBaseUrl?: string };
  readonly rootKey: { readonly passphrase?: string; readonly file?: string };
  /** DKIM signing of outgoing mail: domain, selector and the PEM key file; undefined: unsigned. */
  readonly dkim: { readonly domainName: string; readonly keySelector: string; readonly privateKeyFile: string } | undefined;
  /** clamd for the scan step; undefined: rule scanners only. */
  readonly clamd: { readonly host: string; readonly port: number } | undefined;
  /**
   * Outgoing webhooks: whether targets on loopback, private or link-local addresses are allowed
   * (off: refused when saved and again at each delivery, after DNS); the timeout of one attempt; the
   * delays before each retry; a subscription is disabled after `disableAfterFailures` failed attempts
   * in a row or `disableAfterDays` days of nothing but failures (0: that rule off); after a secret
   * rotation the old secret also signs for `secretOverlapHours`; delivery records older than
   * `retentionDays` are deleted.
   */
  readonly webhooks: {
    readonly allowPrivateTargets: boolean;
    readonly timeoutMs: number;
    readonly retryScheduleSeconds: readonly number[];
    readonly disableAfterFailures: number;
    readonly disableAfterDays: number;
    readonly secretOverlapHours: number;
    readonly retentionDays: number;
  };
  /**
   * Git export pushes and the GitLab and Jira calls: whether remotes on loopback or private addresses are
   * allowed (link-local and cloud-metadata addresses never are; checked when saved and again after DNS
   * before every push or call), and how long one push may take before it is stopped and retried.
   */
  readonly gitPush: { readonly allowPrivateTargets: boolean; readonly timeoutMs: number };
  /** Events published to an MQTT broker (QoS 1) under `topicPrefix/<org>/…`; undefined: off. */
  /**
   * MCP servers the organisations register: stdio ones (a program this server starts) only with
   * MCP_STDIO_SERVERS=allow; HTTP ones on private addresses only with MCP_ALLOW_PRIVATE_TARGETS; each
   * step of a call bounded by MCP_CALL_TIMEOUT_MS and its answer by MCP_MAX_OUTPUT_BYTES; a deployed app
   * (through its agent) makes at most MCP_APP_CALLS_PER_MINUTE calls a minute.
   */
  readonly mcpClient: { readonly stdioServers: 'off' | 'allow'; readonly allowPrivateTargets: boolean; readonly callTimeoutMs: number; readonly maxOutputBytes: number; readonly appCallsPerMinute: number };
  readonly mqtt: { readonly url: string; readonly topicPrefix: string } | undefined;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`);
    this.name = 'ConfigError';
  }
}

/** Read, validate and freeze the configuration. Throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
  }
  const e = result.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    problems.push('JWT_SECRET: required when NODE_ENV=production (at least 32 characters; generate one with: openssl rand -base64 48)');
  }
  if (e.SMTP_USER && !e.SMTP_PASS) problems.push('SMTP_PASS: required when SMTP_USER is set');
  if (e.IMAP_HOST && (!e.IMAP_USER || !e.IMAP_PASS)) problems.push('IMAP_USER and IMAP_PASS: required when IMAP_HOST is set');
  const dkimSet = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY_FILE].filter(Boolean).length;
  if (dkimSet > 0 && dkimSet < 3) problems.push('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE: set all three to sign outgoing mail, or none');
  const fromDomain = (/<([^>]+)>/.exec(e.SMTP_FROM)?.[1] ?? e.SMTP_FROM).trim().toLowerCase().split('@')[1] ?? '';
  const dkimDomain = e.DKIM_DOMAIN?.toLowerCase();
  if (dkimSet === 3 && dkimDomain && fromDomain !== dkimDomain && !fromDomain.endsWith(`.${dkimDomain}`)) {
    problems.push(`DKIM_DOMAIN: must be the domain of SMTP_FROM (${fromDomain || 'none'}) or a parent of it, or receivers' DMARC checks fail; got '${e.DKIM_DOMAIN}'`);
  }
  if (Boolean(e.GMAIL_CLIENT_ID) !== Boolean(e.GMAIL_CLIENT_SECRET)) problems.push('GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET: set both (the OAuth client from the Google Cloud console) to offer the Gmail mailbox, or neither');
  if (e.MAIL_TRANSPORT === 'gmail' && !e.GMAIL_CLIENT_ID) problems.push("MAIL_TRANSPORT: 'gmail' needs GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET (and an admin connecting the mailbox of SMTP_FROM); set them, or MAIL_TRANSPORT=smtp");
  if (e.GMAIL_PUBSUB_TOPIC && !e.GMAIL_CLIENT_ID) problems.push('GMAIL_PUBSUB_TOPIC: Gmail push needs the Gmail mailbox (GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET); set them, or leave GMAIL_PUBSUB_TOPIC empty');
  for (const [name, value] of [['GMAIL_API_URL', e.GMAIL_API_URL], ['GOOGLE_OAUTH_URL', e.GOOGLE_OAUTH_URL], ['GOOGLE_TOKEN_URL', e.GOOGLE_TOKEN_URL], ['GOOGLE_REVOKE_URL', e.GOOGLE_REVOKE_URL], ['GOOGLE_JWKS_URL', e.GOOGLE_JWKS_URL]] as const) {
    // Tokens and mail travel over these: plain http only for a local test server.
    if (e.NODE_ENV === 'production' && value?.startsWith('http:')) problems.push(`${name}: expected an https:// URL in production, got '${value}'`);
  }
  if (e.OIDC_ISSUER && !e.CLIENT_ID) problems.push('CLIENT_ID: required when OIDC_ISSUER is set (the client id registered at your identity provider)');
  if (!e.OIDC_ISSUER && e.OIDC_ORGANIZATION) problems.push('OIDC_ORGANIZATION: only used for single sign-on; set OIDC_ISSUER and CLIENT_ID too, or leave it empty');
  if (e.NODE_ENV === 'production' && e.OIDC_ISSUER?.startsWith('http:')) problems.push(`OIDC_ISSUER: expected an https:// URL in production, got '${e.OIDC_ISSUER}'`);
  if (problems.length) throw new ConfigError(problems);

  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/$/, '');
  return deepFreeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    ops: e.OPS_PORT === undefined ? undefined : { host: e.OPS_HOST ?? e.HOST, port: e.OPS_PORT },
    publicUrl,
    dataDir: e.DATA_DIR,
    workDir: e.WORK_DIR ?? join(tmpdir(), 'marketplace-work'),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'production' ? 'warn' : 'info'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    corsOrigins: e.CORS_ORIGINS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    smtp: { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE, user: e.SMTP_USER, pass: e.SMTP_PASS, from: e.SMTP_FROM, listenPort: e.SMTP_LISTEN_PORT },
    mailHub: {
      host: e.MAIL_HUB_HOST,
      port: e.MAIL_HUB_PORT ? Number(e.MAIL_HUB_PORT) : e.SMTP_LISTEN_PORT,
      hostSet: env.MAIL_HUB_HOST !== undefined && env.MAIL_HUB_HOST.trim() !== '',
      mailboxes: e.MAIL_HUB_MAILBOXES,
      maxMessageBytes: e.MAIL_HUB_MAX_MESSAGE_BYTES,
      mailboxQuotaBytes: e.MAIL_HUB_MAILBOX_QUOTA_BYTES,
      connectionsPerMinutePerClient: e.MAIL_HUB_CONNECTIONS_PER_MINUTE_PER_CLIENT,
      messagesPerMinutePerClient: e.MAIL_HUB_MESSAGES_PER_MINUTE_PER_CLIENT,
      messagesPerMinutePerSender: e.MAIL_HUB_MESSAGES_PER_MINUTE_PER_SENDER,
      greetingDelayMs: e.MAIL_HUB_GREETING_DELAY_MS,
    },
    mailIngest: { verifyAuth: e.MAIL_VERIFY_AUTH, allowUnverifiedSenders: e.MAIL_ALLOW_UNVERIFIED_SENDERS, senderLimitPerHour: e.MAIL_SENDER_LIMIT_PER_HOUR },
    conversations: { idleHours: e.CONVERSATION_IDLE_HOURS },
    imap: { host: e.IMAP_HOST, port: e.IMAP_PORT, secure: e.IMAP_SECURE, user: e.IMAP_USER, pass: e.IMAP_PASS },
    gmail:
      e.GMAIL_CLIENT_ID && e.GMAIL_CLIENT_SECRET
        ? {
            clientId: e.GMAIL_CLIENT_ID,
            clientSecret: e.GMAIL_CLIENT_SECRET,
            apiUrl: (e.GMAIL_API_URL ?? 'https://gmail.googleapis.com').replace(/\/$/, ''),
            authorizationUrl: e.GOOGLE_OAUTH_URL ?? 'https://accounts.google.com/o/oauth2/v2/auth',
            tokenUrl: e.GOOGLE_TOKEN_URL ?? 'https://oauth2.googleapis.com/token',
            revocationUrl: e.GOOGLE_REVOKE_URL ?? 'https://oauth2.googleapis.com/revoke',
            push: e.GMAIL_PUBSUB_TOPIC
              ? {
                  topic: e.GMAIL_PUBSUB_TOPIC,
                  audience: e.GMAIL_PUSH_AUDIENCE ?? `${publicUrl}/api/v1/gmail/push`,
                  serviceAccount: e.GMAIL_PUSH_SERVICE_ACCOUNT,
                  jwksUrl: e.GOOGLE_JWKS_URL ?? 'https://www.googleapis.com/oauth2/v3/certs',
                }
              : undefined,
          }
        : undefined,
    mailTransport: e.MAIL_TRANSPORT,
    oidc: { issuer: e.OIDC_ISSUER, clientId: e.CLIENT_ID, clientSecret: e.CLIENT_SECRET, name: e.OIDC_NAME || 'Single sign-on', organization: e.OIDC_ORGANIZATION },
    llm: { openaiApiKey: e.OPENAI_API_KEY, openaiBaseUrl: e.OPENAI_BASE_URL, anthropicApiKey: e.ANTHROPIC_API_KEY, ollamaBaseUrl: e.OLLAMA_BASE_URL },
    rootKey: { passphrase: e.ROOT_KEY_PASSPHRASE, file: e.ROOT_KEY_FILE },
    dkim: e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY_FILE ? { domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKeyFile: e.DKIM_PRIVATE_KEY_FILE } : undefined,
    clamd: e.CLAMD_HOST ? { host: e.CLAMD_HOST, port: e.CLAMD_PORT } : undefined,
    rspamdUrl: e.RSPAMD_URL,
    webhooks: {
      allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryScheduleSeconds: e.WEBHOOK_RETRY_SCHEDULE,
      disableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
      disableAfterDays: e.WEBHOOK_DISABLE_AFTER_DAYS,
      secretOverlapHours: e.WEBHOOK_SECRET_OVERLAP_HOURS,
      retentionDays: e.WEBHOOK_RETENTION_DAYS,
    },
    gitPush: { allowPrivateTargets: e.GIT_PUSH_ALLOW_PRIVATE_TARGETS, timeoutMs: e.GIT_PUSH_TIMEOUT_MS },
    mcpClient: { stdioServers: e.MCP_STDIO_SERVERS, allowPrivateTargets: e.MCP_ALLOW_PRIVATE_TARGETS, callTimeoutMs: e.MCP_CALL_TIMEOUT_MS, maxOutputBytes: e.MCP_MAX_OUTPUT_BYTES, appCallsPerMinute: e.MCP_APP_CALLS_PER_MINUTE },
    mqtt: e.MQTT_URL ? { url: e.MQTT_URL, topicPrefix: e.MQTT_TOPIC_PREFIX } : undefined,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
