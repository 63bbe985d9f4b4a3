import { idParams } from '../../../http/responses.js';
import { requestDeploymentCommand } from '../../deployments/deployment-actions.js';
import type { AgentCommandType } from '../../deployments/deployments-tables.js';
import { defineTool } from '../mcp-tool.js';

const commandTool = (type: Exclude<AgentCommandType, 'logs'>, name: string, title: string, description: string) =>
  defineTool({
    name,
    title,
    description,
    input: idParams,
    audit: type === 'remove' ? 'deployment.remove' : 'deployment.rollback',
    readOnly: false,
    destructive: type === 'remove',
    async run(deps, caller, input, setAudit) {
      const { command, audit } = await requestDeploymentCommand(deps.db, caller.principal, input.id, type, setAudit);
      return { result: { command }, audit };
    },
  });

export const rollbackDeployment = commandTool('rollback', 'rollback_deployment', 'Roll back a deployment', 'Ask the agent running this deployment (id from list_deployments) to go back to the version it ran before. The agent picks the command up within seconds and reports back; the deployment shows it as pendingCommand until then. For the agent’s owner, publishers and admins.');
export const removeDeployment = commandTool('remove', 'remove_deployment', 'Remove a deployment', 'Ask the agent running this deployment (id from list_deployments) to stop the app and delete its versions (its data stays). For the agent’s owner, publishers and admins.');
