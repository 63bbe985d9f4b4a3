import { idParams } from '../../../http/responses.js';
import { appDetail } from '../../catalog/catalog-views.js';
import { defineTool } from '../mcp-tool.js';

export const showApp = defineTool({
  name: 'show_app',
  title: 'Show an app',
  description: 'An app of the catalog: its AppSpec, figures (rating, installs, health) and every version with its changelog, validation report and scan report.',
  input: idParams,
  readOnly: true,
  async run(deps, caller, input) {
    return { result: await appDetail(deps.db, caller.principal.orgId, input.id) };
  },
});
