import { AppError } from '../../errors/app-error.js';

export type GitExportErrorCode = 'GIT_MISSING' | 'GIT_FAILED' | 'GIT_BUNDLE_INVALID' | 'GIT_SIGNING_FAILED' | 'GIT_REPOSITORY_NOT_FOUND' | 'GIT_SERVICE_REFUSED';

/** One error class for the Git export, with stable codes; the HTTP status says whose fault it was. */
export class GitExportError extends AppError {
  constructor(code: GitExportErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(code, status, message, options);
  }
}
