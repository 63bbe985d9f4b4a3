/**
 * The logger shape every function here takes: pino's, reduced to what the package calls, so a pino
 * logger (or a child of one) fits as it is and the agent needs no logging dependency. Messages never
 * carry mail bodies or passwords.
 */
export interface MailLogger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

const ignore = (): void => {};

/** A logger that drops everything, the default where none is given. */
export const silentLogger: MailLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
