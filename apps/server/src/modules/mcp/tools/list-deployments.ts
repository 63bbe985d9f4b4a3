import { deploymentsQuerySchema, listDeployments as list } from '../../deployments/deployment-actions.js';
import { defineTool } from '../mcp-tool.js';

export const listDeployments = defineTool({
  name: 'list_deployments',
  title: 'List deployments',
  description: 'Where app versions run: your own agents’ deployments (reviewers, publishers and admins see the organisation’s), with state, health, the pending command and the version a rollback goes back to. Filter by appId, app name, agentId or state.',
  input: deploymentsQuerySchema,
  readOnly: true,
  async run(deps, caller, input) {
    return { result: await list(deps.db, caller.principal, input) };
  },
});
