import { mcpToolListed, type Policy } from '../settings/org-settings.js';

/** Who is calling a tool: an admin trying it, the conversation engine, or a published automation. */
export type McpCallPurpose = 'trial' | 'conversation' | 'automation';

/**
 * Whether the organisation's policy lets `purpose` call `server/tool`. Entries are `server/tool` or
 * `server/*`. An admin's trial call is not a use by a conversation or an app, so only the server's
 * own allowed-tools list (checked by the caller) applies to it.
 */
export function policyAllows(policy: Pick<Policy, 'mcpConversationTools' | 'mcpAutomationTools'>, purpose: McpCallPurpose, server: string, tool: string): boolean {
  if (purpose === 'trial') return true;
  return mcpToolListed(purpose === 'conversation' ? policy.mcpConversationTools : policy.mcpAutomationTools, server, tool);
}

/** Whether a server's allowed-tools list (`*`: every tool it offers) names this tool. */
export const serverAllows = (allowedTools: string[], tool: string): boolean => allowedTools.includes('*') || allowedTools.includes(tool);
