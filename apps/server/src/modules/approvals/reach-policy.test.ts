import { describe, expect, it } from 'vitest';
import { POLICY_DEFAULTS } from '../settings/org-settings.js';
import { publishReviewReasons } from './reach-policy.js';

const spec = { mcpTools: [{ server: 'jira', tool: 'lookup-project', use: 'source' as const }, { server: 'jira', tool: 'create_issue', use: 'output' as const }] };

describe('publish review: MCP tools an app declares', () => {
  it('holds an app for a reviewer, naming each tool the policy does not let apps call, whatever `publish` says', () => {
    const reasons = publishReviewReasons(spec, POLICY_DEFAULTS, false);
    expect(reasons).toEqual([
      {
        code: 'MCP_TOOLS_OUTSIDE_POLICY',
        message: expect.stringContaining('jira/lookup-project (source), jira/create_issue (output)'),
        notice: { code: 'approval.mcpToolsOutside', params: { tools: 'jira/lookup-project (source), jira/create_issue (output)' } },
      },
    ]);
    expect(publishReviewReasons(spec, { ...POLICY_DEFAULTS, publish: 'all' }, false).map((reason) => reason.code)).toEqual(['POLICY_ALL_APPS', 'MCP_TOOLS_OUTSIDE_POLICY']);
  });

  it('lets it through when the policy lists the tools, one by one or as server/*', () => {
    expect(publishReviewReasons(spec, { ...POLICY_DEFAULTS, mcpAutomationTools: ['jira/lookup-project'] }, false)[0]!.message).not.toContain('lookup-project');
    expect(publishReviewReasons(spec, { ...POLICY_DEFAULTS, mcpAutomationTools: ['jira/*'] }, false)).toEqual([]);
    // the conversations' list is another permission
    expect(publishReviewReasons(spec, { ...POLICY_DEFAULTS, mcpConversationTools: ['jira/*'] }, false)).toHaveLength(1);
    expect(publishReviewReasons({}, POLICY_DEFAULTS, false)).toEqual([]);
  });
});
