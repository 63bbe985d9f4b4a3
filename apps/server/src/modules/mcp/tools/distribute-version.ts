import { distributeBodySchema, distributeVersion as distribute, versionParamsSchema } from '../../distribution/distribute-version.js';
import { defineTool } from '../mcp-tool.js';

export const distributeVersion = defineTool({
  name: 'distribute_version',
  title: 'Distribute a version',
  description:
    'E-mail a published version (app id + version) to deploy agents: your own agents by default; publishers may name userIds, groupIds, agentIds or all. Returns one delivery per agent, or an approvalId when the organisation’s policy holds it for a reviewer.',
  input: versionParamsSchema.extend(distributeBodySchema.shape),
  audit: 'release.distribute',
  readOnly: false,
  async run(deps, caller, input) {
    const { id, version, ...body } = input;
    const { result, audit } = await distribute(deps, caller.principal, { id, version }, body);
    return { result, audit };
  },
});
