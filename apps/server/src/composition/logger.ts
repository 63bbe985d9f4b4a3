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

/** JSON logs (to stdout unless another destination is given, e.g. stderr for `marketplace mcp`, whose stdout speaks MCP); secrets and credentials are redacted wherever they appear in a logged object. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'marketplace', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: config.logLevel,
    serializers: { err: (error: unknown) => serializeError(error), error: (error: unknown) => serializeError(error) },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]', '*.password', '*.token', '*.refreshToken', '*.clientSecret', '*.key', '*.secret'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
