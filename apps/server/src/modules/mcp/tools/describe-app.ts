import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import { converse } from '../../conversations/conversation-engine.js';
import { textBody } from '../../conversations/conversation-schemas.js';
import { defineTool, EMPLOYEE_ROLES } from '../mcp-tool.js';

export const describeApp = defineTool({
  name: 'describe_app',
  title: 'Describe an app',
  description:
    'One turn of a conversation about an internal tool: send what the app should do (or an answer to the last questions, with the conversationId this tool returned). Returns the reply, the AppSpec draft, what is still missing and the questions to answer; build it with build_app once nothing is missing.',
  input: z.object({ conversationId: z.uuid({ message: 'must be the conversationId a previous describe_app returned' }).optional(), text: textBody }).strict(),
  roles: EMPLOYEE_ROLES,
  audit: 'conversation.create',
  readOnly: false,
  async run(deps, caller, input) {
    const { orgId, userId } = caller.principal;
    if (!userId) throw new AppError('USER_REQUIRED', 403, 'Conversations belong to a user; use an API key created by a user.');
    const { created, ...turn } = await converse(deps.conversations, { orgId, userId, channel: 'mcp', text: input.text, ...(input.conversationId ? { conversationId: input.conversationId } : {}) });
    // Like REST, a new conversation is audited; later turns are messages in it.
    return { result: { ...turn, conversationId: turn.id }, ...(created ? { audit: { targetType: 'conversation', targetId: turn.id } } : {}) };
  },
});
