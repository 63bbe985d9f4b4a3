// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { McpToolsSection } from '../src/app-page/mcp-tools-section';
import { createI18n } from '../src/i18n/create-i18n';

const spec = {
  specVersion: 1,
  name: 'team-digest',
  kind: 'automation',
  mcpTools: [
    { server: 'jira', tool: 'open-issues', use: 'source', purpose: 'the open issues of the team' },
    { server: 'chat', tool: 'post-message', use: 'output' },
    { server: 'broken', use: 'sideways' },
  ],
};

const mount = (language: 'en' | 'pl', value: Record<string, unknown> = spec) => render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(McpToolsSection, { spec: value })));
const rows = () => screen.getAllByRole('row').slice(1).map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent));

afterEach(cleanup);

describe('MCP tools on the app page', () => {
  it('lists each declared tool with its server, use and purpose, and leaves out malformed entries', () => {
    mount('en');
    expect(screen.getByRole('heading', { name: 'MCP tools' })).toBeTruthy();
    expect(rows()).toEqual([
      ['jira', 'open-issues', 'source (read on each run)', 'the open issues of the team'],
      ['chat', 'post-message', 'output (receives the result)', '—'],
    ]);
  });

  it('speaks Polish', () => {
    mount('pl');
    expect(screen.getByRole('heading', { name: 'Narzędzia MCP' })).toBeTruthy();
    expect(rows().map((row) => row[2])).toEqual(['źródło (odczyt przy każdym uruchomieniu)', 'wyjście (otrzymuje wynik)']);
  });

  it('shows nothing for an app that declares no tools', () => {
    const { container } = mount('en', { specVersion: 1, name: 'plain', kind: 'form-app' });
    expect(container.textContent).toBe('');
  });
});
