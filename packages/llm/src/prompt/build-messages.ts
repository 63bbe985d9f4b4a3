import { LlmError } from '../llm-error.js';
import type { ChatMessage } from '../types.js';

export interface BuildMessagesInput {
  /** Instructions written by the marketplace; no user text may be spliced into it. */
  system: string;
  /** Earlier turns, oldest first. */
  history?: readonly ChatMessage[];
  /** What the user just wrote (chat, email body, MCP argument): data, never instructions. */
  userText: string;
}

export interface BuiltPrompt {
  system: string;
  messages: ChatMessage[];
}

/**
 * Builds a prompt where text from users only ever appears as the content of user messages.
 * The system prompt is passed through untouched, so "ignore previous instructions" in an email
 * stays a user's words and cannot rewrite the instructions. History entries are copied with
 * their role checked: a stored turn claiming to be `system` is refused rather than promoted.
 */
export function buildMessages(input: BuildMessagesInput): BuiltPrompt {
  const messages: ChatMessage[] = [];
  for (const [index, turn] of (input.history ?? []).entries()) {
    if (turn.role !== 'user' && turn.role !== 'assistant') {
      throw new LlmError('REQUEST_INVALID', `history[${index}] has role "${String(turn.role)}"; only "user" and "assistant" turns may be replayed`);
    }
    if (typeof turn.content !== 'string') {
      throw new LlmError('REQUEST_INVALID', `history[${index}].content must be text`);
    }
    messages.push({ role: turn.role, content: turn.content });
  }
  messages.push({ role: 'user', content: input.userText });
  return { system: input.system, messages };
}
