import type { BuiltinEngine, ChatMessage } from '@marketplace/llm';
import { appSpecSchema, continueSpec, extractSpec, type AppSpec } from '@marketplace/spec';

/** Assistant turns that carry the draft so far start with this line (written by the server, never by a user). */
export const DRAFT_PREFIX = 'Current AppSpec draft (JSON):\n';

export function draftTurn(spec: AppSpec | null): ChatMessage[] {
  return spec ? [{ role: 'assistant', content: DRAFT_PREFIX + JSON.stringify(spec) }] : [];
}

function lastDraft(messages: ChatMessage[]): AppSpec | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const turn = messages[i]!;
    if (turn.role !== 'assistant' || !turn.content.startsWith(DRAFT_PREFIX)) continue;
    try {
      const parsed = appSpecSchema.safeParse(JSON.parse(turn.content.slice(DRAFT_PREFIX.length)));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The offline engine behind the gateway: spec extraction replays the rules engine over the last
 * draft and the user's last message; chat has no canned text (the conversation engine writes
 * its own reply when the answer comes from here).
 */
export const builtinEngine: BuiltinEngine = (task, input) => {
  if (task !== 'spec-extraction' && input.schema !== undefined) {
    // Command classification: the rules already ran before the model was asked, so "none".
    return { text: '{"intent":"none"}', object: { intent: 'none' } };
  }
  if (task === 'spec-extraction') {
    const text = [...input.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const previous = lastDraft(input.messages);
    const result = previous ? continueSpec(previous, text) : extractSpec(text);
    return { text: JSON.stringify(result.spec), object: result.spec };
  }
  return { text: '' };
};
