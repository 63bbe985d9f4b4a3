// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { McpToolsSection } from '../src/app-page/mcp-tools-section';
import { createI18n } from '../src/i18n/create-i18n';

const mount = (spec: Record<string, unknown>) => render(createElement(I18nextProvider, { i18n: createI18n('en') }, createElement(McpToolsSection, { spec })));

afterEach(() => cleanup());

describe('the app page’s MCP tools', () => {
  it('shows the arguments a declaration fixes beside the tool, and a dash where none are fixed', () => {
    mount({
      mcpTools: [
        { server: 'jira', tool: 'search', use: 'source', purpose: 'the open issues', arguments: { project: 'OPS', limit: 20 } },
        { server: 'chat', tool: 'post-message', use: 'output' },
      ],
    });
    expect(screen.getByRole('columnheader', { name: 'Fixed arguments' })).toBeTruthy();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows[0]!.textContent).toContain('project = "OPS"');
    expect(rows[0]!.textContent).toContain('limit = 20');
    expect(rows[1]!.textContent).toContain('—');
    expect(rows[1]!.textContent).not.toContain('=');
  });
});
