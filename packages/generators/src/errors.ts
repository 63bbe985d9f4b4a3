import type { SpecIssue } from '@marketplace/spec';

export type GeneratorErrorCode =
  | 'INVALID_SPEC'
  | 'UNKNOWN_KIND'
  | 'INVALID_SCHEDULE'
  | 'UNSUPPORTED_SPEC'
  | 'INVALID_VERSION'
  | 'INVALID_APP_DIR'
  | 'BUILD_FAILED'
  | 'SANDBOX_FAILED';

/** The HTTP status a server answering with this error would use (a hint; this package knows no HTTP). */
const HTTP_STATUS: Record<GeneratorErrorCode, number> = { INVALID_SPEC: 422, UNKNOWN_KIND: 422, INVALID_SCHEDULE: 422, UNSUPPORTED_SPEC: 422, INVALID_VERSION: 422, INVALID_APP_DIR: 500, BUILD_FAILED: 500, SANDBOX_FAILED: 500 };

/** The one error class of this package: a stable `code`, a message saying what to do, and the spec issues when there are some. */
export class GeneratorError extends Error {
  readonly code: GeneratorErrorCode;
  readonly issues: SpecIssue[];
  readonly httpStatus: number;

  constructor(code: GeneratorErrorCode, message: string, options: { issues?: SpecIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GeneratorError';
    this.code = code;
    this.httpStatus = HTTP_STATUS[code];
    this.issues = options.issues ?? [];
  }
}
