import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config.js';

/** JSON logs (to stdout unless another destination is given, e.g. stderr for `marketplace mcp`, whose stdout speaks MCP); secrets and credentials are redacted wherever they appear in a logged object. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'marketplace', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]', '*.password', '*.token', '*.refreshToken', '*.clientSecret', '*.key', '*.secret'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
