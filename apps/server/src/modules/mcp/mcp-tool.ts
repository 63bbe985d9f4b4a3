import type { JobQueue } from '@marketplace/db';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import type { Role } from '../accounts/accounts-tables.js';
import type { AgentsService } from '../agents/agents-repository.js';
import type { Principal } from '../auth/principal.js';
import type { ConversationServices } from '../conversations/conversation-services.js';
import type { EventBus } from '../events/event-bus.js';

/** What the MCP tools use: the same service objects the REST routes and the job workers share. */
export interface McpDeps {
  db: Db;
  config: Config;
  jobs: JobQueue | null;
  events: EventBus;
  agents: AgentsService;
  conversations: ConversationServices;
  logger: Logger;
}

/** Who calls, proven by the transport (HTTP bearer or the stdio process's API key). */
export interface McpCaller {
  principal: Principal;
  /** Names the call in logs and audit entries. */
  requestId: string;
  ip: string | null;
}

export interface ToolAudit {
  targetType: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export interface ToolOutcome {
  result: Record<string, unknown>;
  /** `result` as JSON text when the service already has it (a cached answer), so it is not serialised again. */
  text?: string;
  /** For an audited tool: what its entry names. */
  audit?: ToolAudit;
}

/** One MCP tool: its input is the REST route's zod schema, its work the route's service function. */
export interface McpTool<S extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  input: S;
  /** Any one of these roles (admin always passes); none: every user and API key. */
  roles?: Role[];
  /** A state-changing tool's audit action: the REST route's, so both channels read alike in the log. */
  audit?: string;
  readOnly: boolean;
  /** Whether the tool destroys something (an MCP client may ask before calling it). */
  destructive?: boolean;
  /** `setAudit` names the target as soon as it is known, so a refusal after that names it too. */
  run(deps: McpDeps, caller: McpCaller, input: z.infer<S>, setAudit: (audit: ToolAudit) => void): Promise<ToolOutcome>;
}

export const defineTool = <S extends z.ZodType>(tool: McpTool<S>): McpTool => tool as unknown as McpTool;

/** Tools of employees who build apps: the same roles as POST /requests and /conversations. */
export const EMPLOYEE_ROLES: Role[] = ['publisher', 'member'];
