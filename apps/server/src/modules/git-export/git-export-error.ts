import { AppError } from '../../errors/app-error.js';

export type GitExportErrorCode = 'GIT_MISSING' | 'GIT_FAILED' | 'GIT_BUNDLE_INVALID' | 'GIT_SIGNING_FAILED' | 'GIT_REPOSITORY_NOT_FOUND' | 'GIT_SERVICE_REFUSED'
  | 'GIT_REMOTE_INVALID'
  | 'GIT_PUSH_REJECTED'
  | 'GIT_PUSH_AUTH_FAILED'
  | 'GIT_PUSH_HOST_KEY'
  | 'GIT_PUSH_TARGET_REFUSED'
  | 'GIT_PUSH_FAILED'
  | 'GITLAB_FAILED'
  | 'JIRA_FAILED';

/** One error class for the Git export, with stable codes; the HTTP status says whose fault it was. */
export class GitExportError extends AppError {
  constructor(code: GitExportErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(code, status, message, options);
  }
}
