import type { McpTool } from './mcp-tool.js';
import { buildApp } from './tools/build-app.js';
import { describeApp } from './tools/describe-app.js';
import { removeDeployment, rollbackDeployment } from './tools/deployment-command-tools.js';
import { distributeVersion } from './tools/distribute-version.js';
import { listDeployments } from './tools/list-deployments.js';
import { requestStatus } from './tools/request-status.js';
import { searchCatalog } from './tools/search-catalog.js';
import { showApp } from './tools/show-app.js';

/** Every MCP tool: the one place a new tool is registered. */
export const mcpTools: McpTool[] = [describeApp, buildApp, requestStatus, searchCatalog, showApp, distributeVersion, listDeployments, rollbackDeployment, removeDeployment];
