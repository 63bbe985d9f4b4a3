import { ApiError, problemOf } from './api-error';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const SAFE = new Set<Method>(['GET']);
const REFRESHABLE = new Set(['TOKEN_EXPIRED', 'UNAUTHORIZED']);

export interface ApiClientOptions {
  /** Where the API lives; '' for the same origin (production and the dev proxy). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Called when the session cannot be refreshed: the UI goes back to sign-in. */
  onSessionLost?: () => void;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  signal?: AbortSignal;
  /** Set for auth calls themselves: no refresh-and-retry loop on 401. */
  noRefresh?: boolean;
  /** The Accept header (default application/json), e.g. text/event-stream for a streamed reply. */
  accept?: string;
}

/**
 * The web UI's HTTP client. It rides on the httpOnly session cookie, sends the CSRF token on every
 * unsafe request (fetching one when it has none), and on a 401 (TOKEN_EXPIRED, or UNAUTHORIZED once
 * the browser has dropped the expired cookie) trades the refresh cookie for a new session once and
 * repeats the call. Failures are ApiError with the problem's detail.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private csrfFetch: Promise<void> | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly onSessionLost: (() => void) | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.onSessionLost = options.onSessionLost;
  }

  setCsrfToken(token: string | null | undefined) {
    this.csrfToken = token ?? null;
  }

  get hasCsrfToken() {
    return this.csrfToken !== null;
  }

  get<T>(path: string, options: RequestOptions = {}) {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T>(path: string, options: RequestOptions = {}) {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.respond(method, path, options);
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? await response.json() : await response.text()) as T;
  }

  /** The successful response itself, unread (for streams): CSRF, refresh and errors as for request(). */
  async respond(method: Method, path: string, options: RequestOptions = {}): Promise<Response> {
    if (!SAFE.has(method) && !this.csrfToken && !options.noRefresh) await this.fetchCsrfToken();
    let response = await this.send(method, path, options);
    // The session cookie lives as long as its token, so an expired session usually arrives as
    // UNAUTHORIZED (no cookie sent) rather than TOKEN_EXPIRED: both are worth one refresh.
    if (response.status === 401 && !options.noRefresh) {
      const problem = await problemOf(response.clone());
      if (REFRESHABLE.has(problem.code)) {
        if (await this.refresh()) {
          if (!SAFE.has(method) && !this.csrfToken) await this.fetchCsrfToken();
          response = await this.send(method, path, options);
        } else {
          this.onSessionLost?.();
        }
      } else if (problem.code === 'SESSION_ENDED') {
        // Signed out elsewhere, disabled, or roles changed: no refresh can bring this session back.
        this.onSessionLost?.();
      }
    }
    if (response.status === 403 && !SAFE.has(method) && !options.noRefresh) {
      const problem = await problemOf(response.clone());
      if (problem.code.includes('CSRF')) {
        await this.fetchCsrfToken();
        response = await this.send(method, path, options);
      }
    }
    if (!response.ok) throw new ApiError(await problemOf(response));
    return response;
  }

  /** One refresh at a time, however many calls hit the expired token together. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        const response = await this.send('POST', '/api/v1/auth/refresh', { noRefresh: true, body: {} });
        return response.ok;
      } catch {
        return false;
      } finally {
        setTimeout(() => (this.refreshing = null), 0);
      }
    })();
    return this.refreshing;
  }

  /** One request at a time: a write that needs the token while the session's own request is on its way waits for that one. */
  fetchCsrfToken(): Promise<void> {
    this.csrfFetch ??= (async () => {
      try {
        const response = await this.send('GET', '/api/v1/auth/csrf', { noRefresh: true });
        if (response.ok) this.csrfToken = ((await response.json()) as { csrfToken: string }).csrfToken;
      } catch {
      } finally {
        this.csrfFetch = null;
      }
    })();
    return this.csrfFetch;
  }

  private async send(method: Method, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (!SAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    try {
      return await this.fetchImpl(this.baseUrl + path + queryString(options.query), {
        method,
        headers,
        credentials: 'same-origin',
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError({ status: 0, code: 'NETWORK', detail: 'The server cannot be reached: check your connection and try again.' });
    }
  }
}

export function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
