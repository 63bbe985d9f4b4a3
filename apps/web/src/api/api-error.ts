/** RFC 9457 problem details as the server sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  code: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
  /** With 429: when to try again (the Retry-After header, in seconds). */
  retryAfterSeconds?: number;
}

/** A failed API call: the server's problem+json, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly fieldErrors: { path: string; message: string }[];
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.requestId = problem.requestId;
    this.fieldErrors = problem.errors ?? [];
    this.retryAfterSeconds = typeof problem.retryAfterSeconds === 'number' ? problem.retryAfterSeconds : undefined;
  }

  /** The route does not exist on this server yet (a feature that has not landed). */
  get notAvailable(): boolean {
    return this.status === 404 && this.code === 'ROUTE_NOT_FOUND';
  }

  /** Worth trying again: the network, rate limits and server errors, not a request the server refused. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export async function problemOf(response: Response): Promise<Problem> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      if (typeof body.detail === 'string') return { ...body, status: response.status, code: body.code ?? `HTTP_${response.status}`, detail: body.detail };
    } catch {}
  }
  return { status: response.status, code: `HTTP_${response.status}`, detail: `The server answered ${response.status} ${response.statusText || ''}`.trim() + '.' };
}
