/**
 * One error type for everything the server refuses on purpose. `code` is stable (clients switch on it),
 * `status` is the HTTP status, `message` tells the user what was wrong and what to do.
 * On the wire it becomes RFC 9457 problem+json (see errors/problem.ts).
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: string,
    status: number,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export class NotFoundError extends AppError {
  constructor(what: string, id?: string) {
    super('NOT_FOUND', 404, id ? `${what} '${id}' was not found in your organization.` : `${what} was not found.`);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first: send "Authorization: Bearer <token>", an API key, or the session cookie.', code = 'UNAUTHORIZED') {
    super(code, 401, message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, code = 'FORBIDDEN') {
    super(code, 403, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT', details?: Record<string, unknown>) {
    super(code, 409, message, details ? { details } : {});
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, code = 'BAD_REQUEST', details?: Record<string, unknown>) {
    super(code, 400, message, details ? { details } : {});
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds: number, code = 'RATE_LIMITED') {
    super(code, 429, message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) }, details: { retryAfterSeconds } });
  }
}
