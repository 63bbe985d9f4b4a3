// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountAdminPage, seen, serveAdminApi } from './admin-page-harness';
import { serverEnglishIn } from './server-english';
import { McpServersPage, parseSecrets } from '../src/pages/admin/mcp-servers-page';

const serverRow = (over: Record<string, unknown> = {}) => ({ id: 's1', name: 'jira', description: '', transport: 'http', url: 'https://mcp.example.com/mcp', command: null, args: [], secretNames: ['Authorization'], enabled: true, allowedTools: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over });

const serve = serveAdminApi;
const mount = (language: 'en' | 'pl' = 'en') => mountAdminPage(McpServersPage, language);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('MCP servers page', () => {
  it('reads credentials as headers or variables and names the first line it cannot read', () => {
    expect(parseSecrets('Authorization: Bearer a:b\n\nX-Team: ops', 'http')).toEqual({ Authorization: 'Bearer a:b', 'X-Team': 'ops' });
    expect(parseSecrets('JIRA_TOKEN=abc=def', 'stdio')).toEqual({ JIRA_TOKEN: 'abc=def' });
    expect(parseSecrets('Authorization Bearer x', 'http')).toEqual({ badLine: 1 });
    expect(parseSecrets('A=1\n=2', 'stdio')).toEqual({ badLine: 2 });
  });

  it('registers an HTTP server with header credentials, shows only their names, and offers no stdio when it is off', async () => {
    const servers: unknown[] = [];
    serve((method, url, body) => {
      if (method === 'POST' && url === '/api/v1/mcp-servers') {
        const created = serverRow({ name: body.name, url: body.url, secretNames: Object.keys(body.secrets), allowedTools: body.allowedTools });
        servers.push(created);
        return [201, created];
      }
      return [200, { items: servers, stdioAllowed: false, allowPrivateTargets: false }];
    });
    mount();
    await screen.findByText('None yet.');
    expect((screen.getByRole('option', { name: 'Command on this server (stdio)' }) as HTMLOptionElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: 'jira' } });
    fireEvent.change(screen.getByLabelText(/^Server URL/), { target: { value: 'https://mcp.example.com/mcp' } });
    fireEvent.change(screen.getByLabelText(/^Headers sent/), { target: { value: 'Authorization Bearer oops' } });
    expect(screen.getByText('Line 1 is not “name: value” or “NAME=value”.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Create' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Headers sent/), { target: { value: 'Authorization: Bearer s3cret' } });
    fireEvent.change(screen.getByLabelText(/^Allowed tools/), { target: { value: 'search, get-issue' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    const row = (await screen.findAllByRole('row')).find((r) => r.textContent?.includes('mcp.example.com'))!;
    expect(seen.find((s) => s.method === 'POST')!.body).toEqual({ name: 'jira', transport: 'http', url: 'https://mcp.example.com/mcp', secrets: { Authorization: 'Bearer s3cret' }, allowedTools: ['search', 'get-issue'] });
    expect(row.textContent).toContain('Authorization');
    expect(row.textContent).not.toContain('s3cret');
  });

  it('tests a server, allows a tool, tries it and shows the answer (Polish)', async () => {
    let server = serverRow();
    serve((method, url, body) => {
      if (method === 'POST' && url === '/api/v1/mcp-servers/s1/test') {
        return [200, { ok: true, durationMs: 42, tools: [{ name: 'lookup-project', title: null, description: 'The Jira project of a team', inputSchema: {}, allowed: false }] }];
      }
      if (method === 'PATCH' && url === '/api/v1/mcp-servers/s1') return [200, (server = serverRow({ allowedTools: body.allowedTools }))];
      if (method === 'POST' && url === '/api/v1/mcp-servers/s1/tools/lookup-project/call') return [200, { isError: false, content: [], structuredContent: { project: 'PAY' }, bytes: 30 }];
      return [200, { items: [server], stdioAllowed: true, allowPrivateTargets: false }];
    });
    mount('pl');
    fireEvent.click(await screen.findByRole('button', { name: /^Sprawdź połączenie/ }));
    const tools = await screen.findByRole('region', { name: /Narzędzia/ });
    expect(within(tools).getByText('Połączono w 42 ms; narzędzia: 1.')).toBeTruthy();
    expect(tools.textContent).toContain('niedozwolone');
    fireEvent.click(within(tools).getByRole('button', { name: /^Zezwól/ }));
    await waitFor(() => expect(seen.find((s) => s.method === 'PATCH')?.body).toEqual({ allowedTools: ['lookup-project'] }));
    await waitFor(() => expect(within(tools).getByRole('button', { name: /^Zabroń/ })).toBeTruthy());
    fireEvent.change(within(tools).getByLabelText('Argumenty (obiekt JSON)'), { target: { value: '[1]' } });
    expect(within(tools).getByText('Argumenty nie są obiektem JSON.')).toBeTruthy();
    fireEvent.change(within(tools).getByLabelText('Argumenty (obiekt JSON)'), { target: { value: '{"team":"payroll"}' } });
    fireEvent.click(within(tools).getByRole('button', { name: 'Wywołaj' }));
    expect((await within(tools).findByText(/"project": "PAY"/)).tagName).toBe('PRE');
    expect(seen.find((s) => s.url.endsWith('/call'))!.body).toEqual({ arguments: { team: 'payroll' } });
  });

  it('shows why a test could not connect', async () => {
    serve((method, url) => {
      if (method === 'POST' && url === '/api/v1/mcp-servers/s1/test') return [200, { ok: false, durationMs: 3, tools: [], code: 'MCP_TARGET_REFUSED', message: 'MCP servers on loopback … are not called' }];
      return [200, { items: [serverRow()], stdioAllowed: false, allowPrivateTargets: false }];
    });
    mount();
    fireEvent.click(await screen.findByRole('button', { name: /^Test connection/ }));
    expect((await screen.findByText(/Cannot connect/)).textContent).toBe('Cannot connect (MCP_TARGET_REFUSED): MCP servers on loopback … are not called');
  });

  it('says in Polish why a test could not connect, from the failure’s notices', async () => {
    const failed = {
      ok: false,
      durationMs: 3,
      tools: [],
      code: 'MCP_TIMEOUT',
      message: 'The MCP server “jira” did not answer within 10000 ms (MCP_CALL_TIMEOUT_MS).',
      notices: [{ code: 'mcpTest.timeout', params: { server: 'jira', ms: 10000 } }],
    };
    serve((method, url) => {
      if (method === 'POST' && url === '/api/v1/mcp-servers/s1/test') return [200, failed];
      return [200, { items: [serverRow()], stdioAllowed: false, allowPrivateTargets: false }];
    });
    mount('pl');
    fireEvent.click(await screen.findByRole('button', { name: /^Sprawdź połączenie/ }));
    expect((await screen.findByText(/Nie można połączyć/)).textContent).toBe('Nie można połączyć (MCP_TIMEOUT): Serwer MCP „jira” nie odpowiedział w ciągu 10\u00a0000 ms (MCP_CALL_TIMEOUT_MS).');
    expect(serverEnglishIn(document.body.textContent ?? '', failed)).toEqual([]);
  });
});
