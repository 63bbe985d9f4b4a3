import { idParams } from '../../../http/responses.js';
import { requestView } from '../../pipeline/requests-repository.js';
import { defineTool, EMPLOYEE_ROLES } from '../mcp-tool.js';

export const requestStatus = defineTool({
  name: 'request_status',
  title: 'Build request status',
  description: 'The state of a build request (queued → generating → validating → packaging → scanning → signing → published, or failed) with each step’s state, duration and error, and the app id and version once published.',
  input: idParams,
  roles: EMPLOYEE_ROLES,
  readOnly: true,
  async run(deps, caller, input) {
    return { result: await requestView(deps.db, caller.principal.orgId, input.id) };
  },
});
