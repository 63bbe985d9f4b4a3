import { createHash } from 'node:crypto';
import type { ChatMessage } from '../types.js';

export interface CacheKeyInput {
  /** Answers are kept per organisation: one org never receives another's cached answer. */
  orgId: string;
  provider: string;
  model: string;
  system: string;
  messages: readonly ChatMessage[];
  /** JSON Schema text for structured output; absent for plain text. */
  schema?: string;
  temperature?: number;
  maxOutputTokens?: number;
}

/** Line endings and Unicode forms vary by client (web, mail, MCP) without changing meaning. */
function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

/**
 * Exact-match key of a normalised request: two requests share a key only when provider, model,
 * system prompt, every message, schema, temperature and output limit are the same.
 */
export function requestCacheKey(input: CacheKeyInput): string {
  const canonical = JSON.stringify([
    'v1',
    input.orgId,
    input.provider,
    input.model,
    normaliseText(input.system),
    input.messages.map((m) => [m.role, normaliseText(m.content)]),
    input.schema ?? null,
    input.temperature ?? null,
    input.maxOutputTokens ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
