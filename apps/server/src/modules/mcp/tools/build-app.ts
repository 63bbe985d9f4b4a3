import { AppError } from '../../../errors/app-error.js';
import { requestBodySchema, specOfRequest, submitRequest } from '../../pipeline/request-service.js';
import { defineTool, EMPLOYEE_ROLES } from '../mcp-tool.js';

export const buildApp = defineTool({
  name: 'build_app',
  title: 'Build an app',
  description: 'Submit a finished AppSpec ({"spec": …}, see the AppSpec JSON Schema resource) or a complete request in words ({"text": …}) to the build pipeline. Returns the request id; follow it with request_status.',
  input: requestBodySchema,
  roles: EMPLOYEE_ROLES,
  audit: 'request.create',
  readOnly: false,
  async run(deps, caller, input, setAudit) {
    const { spec, text } = specOfRequest(input);
    const app = (spec as { name: string }).name;
    setAudit({ targetType: 'request', details: { app } });
    try {
      const id = await submitRequest(deps, { orgId: caller.principal.orgId, userId: caller.principal.userId, source: 'mcp', spec, text });
      return { result: { id, state: 'queued' }, audit: { targetType: 'request', targetId: id, details: { app } } };
    } catch (error) {
      if (error instanceof AppError) setAudit({ targetType: 'request', details: { app, refused: error.code, ...error.details } });
      throw error;
    }
  },
});
