import { McpError, ErrorCode, type GetPromptResult } from '@modelcontextprotocol/sdk/types.js';

const NAME = 'describe-internal-tool';

export const mcpPrompts = [
  {
    name: NAME,
    title: 'Describe an internal tool',
    description: 'Start describing an internal tool for the marketplace to build: what it is for, who uses it, its data, where the data comes from and where results go.',
    arguments: [{ name: 'need', description: 'What the tool should do, in a sentence or two (any language the marketplace speaks: English, Polish)', required: false }],
  },
];

/** The prompt's messages; `need`, when given, becomes the first description. */
export function describePrompt(name: string, args: Record<string, string>): GetPromptResult {
  if (name !== NAME) throw new McpError(ErrorCode.InvalidParams, `There is no prompt "${name}"; the marketplace offers "${NAME}".`);
  const need = (args.need ?? '').trim().slice(0, 2000);
  const text = [
    'I want the marketplace to build an internal tool for my team.',
    need ? `What I need: ${need}` : 'Ask me what I need first.',
    'Use the describe_app tool with my words, show me its reply and its open questions, and send my answers back with the same conversationId until nothing is missing.',
    'Before building, show me the final AppSpec (name, kind, entities and fields, schedule, sources, outputs) and ask me to confirm; then call build_app and follow it with request_status until it is published or fails.',
  ].join('\n');
  return { description: 'Describe an internal tool', messages: [{ role: 'user', content: { type: 'text', text } }] };
}
