import pino, { type Logger } from 'pino';
import type { Config } from '../config/config.js';

/** JSON logs; secrets and credentials are redacted wherever they appear in a logged object. */
/** `toStderr`: for processes whose stdout is a protocol stream (`marketplace mcp` speaks MCP over stdio). */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'marketplace', toStderr = false): Logger {
  const options: pino.LoggerOptions = {
    name,
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]', '*.password', '*.token', '*.refreshToken', '*.clientSecret', '*.key', '*.secret'],
      censor: '[redacted]',
    },
  };
  return toStderr ? pino(options, pino.destination(2)) : pino(options);
}
