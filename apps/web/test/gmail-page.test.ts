// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { AdminPage } from '../src/pages/admin/admin-page';
import { GmailPage } from '../src/pages/admin/gmail-page';

const mailbox = { id: 'g1', email: 'marketplace@acme.example', state: 'failing', lastError: 'GMAIL_UNAVAILABLE: try again', lastSyncAt: '2026-12-06T06:00:00.000Z', imported: 12, sendsOutgoingMail: true, createdAt: '2026-12-01T06:00:00.000Z' };
const overview = (items: object[], configured = true) => ({ configured, redirectUri: 'https://mp.acme.example/api/v1/gmail/oauth/callback', transport: 'gmail', serviceAddress: 'marketplace@acme.example', items });
const me = { user: { id: 'u1', email: 'a@acme.example', name: 'Ana', roles: ['admin'], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: ['admin'], via: 'cookie' };
let sent: { url: string; method: string }[] = [];

function serve(items: object[], configured = true) {
  sent = [];
  let list = items;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    sent.push({ url, method });
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === '/api/v1/auth/me') return json(me);
    if (url === '/api/v1/auth/csrf') return json({ csrfToken: 't' });
    if (url === '/api/v1/gmail' && method === 'GET') return json(overview(list, configured));
    if (url === '/api/v1/gmail/connections/g1/sync' && method === 'POST') return json({ imported: 2, duplicates: 1, resynced: true });
    if (url === '/api/v1/gmail/connections/g1' && method === 'DELETE') {
      list = [];
      return new Response(null, { status: 204 });
    }
    return json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: 'no' }, 404);
  });
}

function show(language: 'en' | 'pl' = 'en', entry = '/admin/gmail') {
  document.cookie = 'mp_signed_in=1; path=/';
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const routes = createElement(Routes, null, createElement(Route, { path: '/admin', element: createElement(AdminPage) }, createElement(Route, { path: 'gmail', element: createElement(GmailPage) })));
  render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, { initialEntries: [entry] }, createElement(SessionProvider, null, routes)))));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the Gmail admin page', () => {
  it('shows the connected mailbox with its state and failure, reads it now and disconnects it', async () => {
    serve([mailbox]);
    show();
    const row = (await screen.findByRole('cell', { name: /^marketplace@acme\.example/ })).closest('tr')!;
    expect(within(row).getByText('Sends the marketplace’s mail')).toBeTruthy();
    expect(within(row).getByText('GMAIL_UNAVAILABLE: try again')).toBeTruthy();
    expect(screen.getByText('https://mp.acme.example/api/v1/gmail/oauth/callback')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Gmail' }).getAttribute('href')).toBe('/admin/gmail');

    fireEvent.click(within(row).getByRole('button', { name: /Read now/ }));
    expect(await screen.findByText(/2 new, 1 already read\./)).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: /Disconnect/ }));
    fireEvent.click(within(screen.getByRole('group', { name: /Disconnect this mailbox\?/ })).getByRole('button', { name: 'Yes, do it' }));
    expect(await screen.findByText('No Gmail mailbox connected yet.')).toBeTruthy();
    expect(sent.filter((s) => s.method !== 'GET')).toEqual([
      { url: '/api/v1/gmail/connections/g1/sync', method: 'POST' },
      { url: '/api/v1/gmail/connections/g1', method: 'DELETE' },
    ]);
  });

  it('explains a consent that came back with an error code, in Polish', async () => {
    serve([]);
    show('pl', '/admin/gmail?gmail_error=GMAIL_ALREADY_CONNECTED');
    expect(await screen.findByRole('heading', { name: 'Gmail' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Ta skrzynka jest już połączona przez inną organizację na tym serwerze.');
    expect(await screen.findByRole('button', { name: 'Połącz Gmail' })).toBeTruthy();
  });

  it('says what the operator sets when the server does not offer Gmail', async () => {
    serve([], false);
    show();
    expect(await screen.findByText(/an operator sets GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Connect Gmail' })).toBeNull();
  });
});
