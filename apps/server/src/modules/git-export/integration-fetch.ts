import type { z } from 'zod';
import { GitExportError } from './git-export-error.js';
import { resolveTarget } from './remote-target.js';

/** Longest answer read from GitLab or Jira: their JSON answers are small; more is a wrong server. */
const MAX_ANSWER_BYTES = 256 * 1024;
const TIMEOUT_MS = 20_000;

/**
 * One JSON call to GitLab or Jira with plain fetch: the host resolved and checked against the private-target
 * rule just before (GIT_PUSH_ALLOW_PRIVATE_TARGETS), no redirects followed (a 3xx is an error, so the token
 * never goes elsewhere), the answer bounded and validated with `schema`. Errors name the service and what
 * it said — never the token.
 */
export async function callJson<T>(service: 'GitLab' | 'Jira', options: { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; body?: unknown; allowPrivate: boolean; schema: z.ZodType<T> }): Promise<T> {
  const code = service === 'GitLab' ? 'GITLAB_FAILED' : 'JIRA_FAILED';
  const url = new URL(options.url);
  await resolveTarget(url, options.allowPrivate);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method,
      headers: { accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new GitExportError(code, 502, `${service} at ${url.origin} cannot be reached (${(error as Error).message}).`, { cause: error });
  }
  const text = (await response.text()).slice(0, MAX_ANSWER_BYTES);
  if (response.status >= 300) {
    const hint = response.status === 401 || response.status === 403 ? ' — check the token saved under Admin → Git export' : response.status < 400 ? ' — redirects are not followed; give the final URL' : '';
    throw new GitExportError(code, 502, `${service} answered ${response.status} to ${options.method} ${url.pathname}${hint}: ${text.slice(0, 300) || 'no message'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GitExportError(code, 502, `${service} answered ${options.method} ${url.pathname} with something other than JSON; is ${url.origin} really ${service}?`);
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) throw new GitExportError(code, 502, `${service}'s answer to ${options.method} ${url.pathname} lacks what is needed (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}).`);
  return parsed.data;
}
