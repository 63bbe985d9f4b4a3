// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/i18n';
import { CatalogPage } from '../src/pages/catalog-page';
import { AppPage } from '../src/pages/app-page';
import { buildTree } from '../src/components/file-tree';

const requested: string[] = [];
/** The browser's fetch answered from the documented shapes (DESIGN.md "Core HTTP API"). */
function serve(routes: Record<string, unknown>) {
  requested.length = 0;
  vi.stubGlobal('fetch', async (input: string) => {
    requested.push(input);
    const path = input.split('?')[0]!;
    const found = Object.entries(routes).find(([pattern]) => new RegExp(`^${pattern}$`).test(path));
    if (!found) return new Response(JSON.stringify({ status: 404, code: 'ROUTE_NOT_FOUND', detail: `There is no GET ${path}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
    const body = found[1];
    return typeof body === 'string' ? new Response(body, { headers: { 'content-type': 'text/plain' } }) : new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  });
}

const me = { user: { id: 'u1', email: 'a@b.c', name: 'Ana', roles: ['member'], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: ['member'], via: 'cookie' };

function mount(path: string, language: 'en' | 'pl' = 'en') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    createElement(
      I18nextProvider,
      { i18n: createI18n(language) },
      createElement(
        QueryClientProvider,
        { client },
        createElement(MemoryRouter, { initialEntries: [path] }, createElement(SessionProvider, null, createElement(Routes, null, createElement(Route, { path: '/', element: createElement(CatalogPage) }), createElement(Route, { path: '/apps/:id', element: createElement(AppPage) })))),
      ),
    ),
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('catalog page', () => {
  it('shows cards with rating, installs in the UI language, and health; search goes to the API', async () => {
    serve({
      '/api/v1/auth/me': me,
      '/api/v1/apps': { items: [{ id: 'a1', name: 'invoices', title: 'Invoice tracker', kind: 'web-app', latestVersion: '1.2.0', rating: 4.5, installs: 12345, health: { healthy: 3, unhealthy: 0 } }], total: 1 },
    });
    mount('/', 'pl');
    await screen.findByRole('link', { name: 'Invoice tracker' });
    expect(document.body.textContent).toContain('Instalacje: 12\u00a0345');
    expect(document.body.textContent).toContain('★ 4,5');
    expect(document.body.textContent).toContain('Sprawne: 3');
    fireEvent.change(screen.getByLabelText('Szukaj aplikacji'), { target: { value: 'invoice' } });
    await waitFor(() => expect(requested.some((url) => url.startsWith('/api/v1/apps?') && url.includes('q=invoice'))).toBe(true));
  });

  it('says "no apps yet" while the catalog API has not landed', async () => {
    serve({ '/api/v1/auth/me': me });
    mount('/');
    await screen.findByText('No apps yet');
    expect(screen.getByRole('link', { name: 'Describe a new app' }).getAttribute('href')).toBe('/chat');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('app page', () => {
  it('shows versions with their signing key, the file tree and a file’s source', async () => {
    serve({
      '/api/v1/auth/me': me,
      '/api/v1/apps/a1': { id: 'a1', name: 'invoices', title: 'Invoice tracker', summary: 'Tracks unpaid invoices.', kind: 'web-app', versions: [{ version: '1.2.0', keyId: 'k-7f3a' }, { version: '1.1.0' }] },
      '/api/v1/apps/a1/versions/1.2.0/files': { items: [{ path: 'src/server.ts' }, { path: 'package.json' }] },
      '/api/v1/apps/a1/versions/1.2.0/files/src/server.ts': "const answer = 42;\n",
      '/api/v1/apps/a1/versions/1.2.0/reports': { items: [{ name: 'scan', ok: true }] },
      '/api/v1/apps/a1/reviews': { items: [] },
    });
    mount('/apps/a1');
    await screen.findByRole('heading', { level: 1, name: 'Invoice tracker' });
    expect(document.body.textContent).toContain('Signed with key k-7f3a');
    expect(document.body.textContent).toContain('Not signed yet');
    fireEvent.click(await screen.findByRole('button', { name: 'server.ts' }));
    await waitFor(() => expect(document.querySelector('pre.code')?.textContent).toContain('const answer = 42;'));
    expect(requested).toContain('/api/v1/apps/a1/versions/1.2.0/files/src/server.ts');
    await screen.findByText('passed');
    await screen.findByText('No reviews yet: be the first.');
  });

  it('groups files into folders, folders first', () => {
    const tree = buildTree([{ path: 'b.txt' }, { path: 'src/z.ts' }, { path: 'src/lib/a.ts' }]);
    expect([...tree.children.keys()].sort()).toEqual(['b.txt', 'src']);
    expect(tree.children.get('src')!.file).toBe(false);
    expect(tree.children.get('src')!.children.get('lib')!.children.get('a.ts')!.path).toBe('src/lib/a.ts');
  });
});
