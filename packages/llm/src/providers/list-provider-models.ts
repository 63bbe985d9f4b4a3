import { z } from 'zod';
import { redactSecrets } from '../logger.js';
import { LlmError } from '../llm-error.js';
import type { ProviderRuntime } from './provider-runtime.js';

// OpenAI (and compatible servers) and Anthropic: { data: [{ id }] }; Ollama: { models: [{ name }] }.
const dataListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });
const ollamaTagsSchema = z.object({ models: z.array(z.object({ name: z.string() })) });

/**
 * Asks the provider which models it serves — the cheapest authenticated request each API has,
 * so it doubles as the live health probe.
 */
export async function listProviderModels(runtime: ProviderRuntime, timeoutMs: number): Promise<string[]> {
  const { url, headers } = runtime.modelsRequest();
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new LlmError('TIMEOUT', `Provider "${runtime.id}" did not list its models within ${timeoutMs} ms.`, { providerId: runtime.id });
    }
    const reason = error instanceof Error ? redactSecrets(String((error.cause as Error | undefined)?.message ?? error.message), runtime.secrets) : '';
    throw new LlmError('PROVIDER_UNAVAILABLE', `Cannot reach provider "${runtime.id}" at ${runtime.baseURL} (${reason}); check the URL and that it is running.`, {
      providerId: runtime.id,
    });
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new LlmError('PROVIDER_AUTH_FAILED', `Provider "${runtime.id}" refused the credentials (${response.status}); update its API key.`, {
      providerId: runtime.id,
      statusCode: response.status,
    });
  }
  if (!response.ok) {
    const code = response.status === 429 ? 'PROVIDER_RATE_LIMITED' : response.status >= 500 ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_REJECTED';
    throw new LlmError(code, `Provider "${runtime.id}" answered ${response.status} when listing models.`, { providerId: runtime.id, statusCode: response.status });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LlmError('MALFORMED_RESPONSE', `Provider "${runtime.id}" answered the model list with something that is not JSON.`, { providerId: runtime.id });
  }
  const schema = runtime.kind === 'ollama' ? ollamaTagsSchema : dataListSchema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new LlmError('MALFORMED_RESPONSE', `Provider "${runtime.id}" answered the model list in an unexpected shape.`, { providerId: runtime.id });
  }
  const data = parsed.data as z.output<typeof dataListSchema> | z.output<typeof ollamaTagsSchema>;
  return 'data' in data ? data.data.map((m) => m.id) : data.models.map((m) => m.name);
}
