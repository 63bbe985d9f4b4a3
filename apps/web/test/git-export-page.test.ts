// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/i18n';
import { GitExportPage } from '../src/pages/admin/git-export-page';

const user = { id: 'u1', email: 'ana@example.com', name: 'Ana', roles: ['admin'], status: 'active', createdAt: '2026-01-01T00:00:00Z', lastLoginAt: null };
const organization = { id: 'o1', name: 'Acme', slug: 'acme', createdAt: '2026-01-01T00:00:00Z' };
const nothing = { remote: null, gitlab: null, jira: null };
const failedPush = { appId: 'a1', appName: 'laptops', appTitle: 'Laptops', remoteUrl: 'https://git.example.com/tools/laptops.git', lastPushedVersion: '1.1.0', lastPushedAt: '2026-02-01T10:00:00Z', errorCode: 'GIT_PUSH_REJECTED', error: 'The remote refused main (fetch first)', lastAttemptAt: '2026-02-02T10:00:00Z', gitlabWebUrl: null };

let seen: { method: string; url: string; body: any }[] = [];
function serve(route: (method: string, url: string, body: any) => [number, unknown]) {
  seen = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    const method = init.method ?? 'GET';
    seen.push({ method, url: input, body });
    if (input.endsWith('/auth/me')) return Response.json({ user, organization, roles: ['admin'], via: 'cookie' });
    if (input.endsWith('/auth/csrf')) return Response.json({ csrfToken: 'csrf-abc' });
    const [status, payload] = route(method, input, body);
    return new Response(JSON.stringify(payload), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
  });
}

function mount(language: 'en' | 'pl' = 'en') {
  document.cookie = 'mp_signed_in=1; path=/';
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(GitExportPage))))));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Git export admin page', () => {
  it('saves the remote with its token, then shows only that a secret is stored', async () => {
    let settings: unknown = nothing;
    serve((method, url, body) => {
      if (url === '/api/v1/git/integrations' && method === 'PUT') {
        settings = { ...nothing, remote: { urlTemplate: body.remote.urlTemplate, auth: body.remote.auth, username: body.remote.username, hasSecret: true, knownHosts: null } };
        return [200, settings];
      }
      if (url === '/api/v1/git/integrations') return [200, settings];
      return [200, { items: [] }];
    });
    mount();
    const form = await screen.findByRole('form', { name: 'Git remote' });
    fireEvent.change(within(form).getByLabelText(/Remote URL per app/), { target: { value: 'https://git.example.com/tools/{app}.git' } });
    fireEvent.change(within(form).getByLabelText(/User name/), { target: { value: 'oauth2' } });
    fireEvent.change(within(form).getByLabelText(/Token/), { target: { value: 'glpat-secret' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('Saved.')).toBeTruthy();
    expect(seen.find((call) => call.method === 'PUT')?.body).toEqual({ remote: { urlTemplate: 'https://git.example.com/tools/{app}.git', auth: 'https-token', username: 'oauth2', token: 'glpat-secret' } });
    expect(within(form).getByText('A secret is stored; leave empty to keep it.')).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Remove' })).toBeTruthy();
  });

  it('lists each app’s last push with its error and pushes again on request, in Polish too', async () => {
    serve((method, url) => {
      if (url === '/api/v1/apps/a1/git-push') return [200, { state: 'pushed', jiraIssues: [], push: { ...failedPush, errorCode: null, error: null } }];
      if (url === '/api/v1/git/pushes') return [200, { items: [failedPush] }];
      return [200, nothing];
    });
    mount('pl');
    expect(await screen.findByText('The remote refused main (fetch first)')).toBeTruthy();
    expect(screen.getByText('Ostatni błąd')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Wypchnij teraz/ }));
    await vi.waitFor(() => expect(seen.some((call) => call.method === 'POST' && call.url === '/api/v1/apps/a1/git-push')).toBe(true));
  });
});
