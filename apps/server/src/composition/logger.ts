import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config.js';

/**
 * An error as it may appear in a log: its class, code, first 1,000 characters of message, stack
 * and cause — nothing else. Database errors (PGlite, pg, Kysely) carry the statement and its
 * parameters (a user's text, a mail body) in other fields; those never reach a log line.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> | unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? error.slice(0, 1000) : error;
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message.slice(0, 1000),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.stack ? { stack: error.stack.split('\n').slice(0, 12).join('\n') } : {}),
    ...(error.cause !== undefined && depth < 3 ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

/** Query parameters whose values are credentials wherever they appear (a feed reader's `?token=mpf_…`). */
const SECRET_PARAMETER = /token|secret|key|signature|password|code/i;
/** Our own credentials (feed tokens `mpf_`, API keys `mpk_`) anywhere in a URL, also percent-encoded. */
const CREDENTIAL = /mp[fk](?:_|%5f)[A-Za-z0-9_%-]+/gi;
const HAS_CREDENTIAL = new RegExp(CREDENTIAL.source, 'i');

/**
 * A request URL fit for a log line: the value of every credential-like query parameter and every
 * `mpf_` / `mpk_` credential in the path replaced by `[redacted]`. Feed URLs carry the feed token
 * (readers cannot send headers), so the request lines Fastify writes at info would otherwise hold it.
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = (queryAt < 0 ? url : url.slice(0, queryAt)).replace(CREDENTIAL, '[redacted]');
  if (queryAt < 0) return path;
  const query = [...new URLSearchParams(url.slice(queryAt + 1))].map(([name, value]) =>
    `${encodeURIComponent(name)}=${SECRET_PARAMETER.test(name) || HAS_CREDENTIAL.test(value) ? '[redacted]' : encodeURIComponent(value)}`.replace(CREDENTIAL, '[redacted]'),
  );
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** Fastify's request serializer, with the URL redacted (redactUrl). */
function serializeRequest(request: { method?: string; url?: string; host?: string; ip?: string; headers?: Record<string, unknown>; socket?: { remotePort?: number } }) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? redactUrl(request.url) : request.url,
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** JSON logs (to stdout unless another destination is given, e.g. stderr for `marketplace mcp`, whose stdout speaks MCP); secrets and credentials are redacted wherever they appear in a logged object. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'marketplace', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: config.logLevel,
    serializers: { err: (error: unknown) => serializeError(error), error: (error: unknown) => serializeError(error), req: serializeRequest },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]', '*.password', '*.token', '*.refreshToken', '*.clientSecret', '*.key', '*.secret'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
