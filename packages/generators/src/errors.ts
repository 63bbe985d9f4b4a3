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

/** The one error class of this package: a stable `code`, a message saying what to do, and the spec issues when there are some. */
export class GeneratorError extends Error {
  readonly code: GeneratorErrorCode;
  readonly issues: SpecIssue[];

  constructor(code: GeneratorErrorCode, message: string, options: { issues?: SpecIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GeneratorError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}
