import type { Tiktoken } from 'js-tiktoken/lite';
import type { ChatMessage } from '../types.js';

let encoder: Promise<Tiktoken> | undefined;

/**
 * o200k_base (the GPT-4o family's encoding) from the ranks bundled with js-tiktoken — no
 * download. Loaded on first use only: most providers report usage, so most processes never need it.
 */
function loadEncoder(): Promise<Tiktoken> {
  encoder ??= Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]).then(
    ([lite, ranks]) => new lite.Tiktoken(ranks.default),
  );
  return encoder;
}

/** Tokens in a text; an estimate for non-OpenAI models, which use their own tokenizers. */
export async function countTokens(text: string): Promise<number> {
  if (text.length === 0) return 0;
  return (await loadEncoder()).encode(text).length;
}

/** Prompt tokens of a chat request, with the few tokens of framing each message costs. */
export async function countPromptTokens(system: string, messages: readonly ChatMessage[]): Promise<number> {
  const perMessageOverhead = 3;
  let total = system.length > 0 ? (await countTokens(system)) + perMessageOverhead : 0;
  for (const message of messages) total += (await countTokens(message.content)) + perMessageOverhead;
  return total + 3;
}
