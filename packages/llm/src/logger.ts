/** The subset of pino's logger the gateway uses; a pino logger fits as it is. */
export interface LlmLogger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

const noop = () => {};
export const silentLogger: LlmLogger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * Replaces every configured secret found in `text` by `[redacted]`. Provider error bodies can
 * echo a key back (e.g. "Incorrect API key provided: sk-…"), so their text passes through here.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
