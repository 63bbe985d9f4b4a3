// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { AdminPage } from '../src/pages/admin/admin-page';
import { MailQuarantinePage } from '../src/pages/admin/mail-quarantine-page';

const poison = { id: 'q1', messageId: '<p1@x.test>', envelopeFrom: 'ana@acme.example', envelopeTo: ['marketplace@acme.example'], subject: 'Nested bomb', clientAddress: '127.0.0.1', size: 4096, reason: 'TOO_LARGE: MIME parts are nested 1001 deep', attempts: 1, receivedAt: '2026-12-06T06:00:00.000Z', quarantinedAt: '2026-12-06T06:00:01.000Z' };
const other = { ...poison, id: 'q2', messageId: '<p2@x.test>', subject: 'NUL bytes', reason: 'MALFORMED_MIME: bad' };
const me = (roles: string[]) => ({ user: { id: 'u1', email: 'a@acme.example', name: 'Ana', roles, status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles, via: 'cookie' });
let sent: { url: string; method: string }[] = [];

function serve(roles: string[], items: object[]) {
  sent = [];
  let list = items;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    sent.push({ url, method });
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === '/api/v1/auth/me') return json(me(roles));
    if (url === '/api/v1/auth/csrf') return json({ csrfToken: 't' });
    if (url === '/api/v1/mail-quarantine' && method === 'GET') return json({ items: list });
    if (url === '/api/v1/mail-quarantine/q1/release' && method === 'POST') {
      list = list.filter((item) => (item as { id: string }).id !== 'q1');
      return json({ id: 'q1', state: 'stored' }, 202);
    }
    if (url === '/api/v1/mail-quarantine/q2' && method === 'DELETE') {
      list = list.filter((item) => (item as { id: string }).id !== 'q2');
      return new Response(null, { status: 204 });
    }
    return json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: 'no' }, 404);
  });
}

function show(language: 'en' | 'pl' = 'en') {
  document.cookie = 'mp_signed_in=1; path=/'; // what the server's sign-in leaves in the browser
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const routes = createElement(Routes, null, createElement(Route, { path: '/admin', element: createElement(AdminPage) }, createElement(Route, { path: 'mail-quarantine', element: createElement(MailQuarantinePage) })));
  render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, { initialEntries: ['/admin/mail-quarantine'] }, createElement(SessionProvider, null, routes)))));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the mail quarantine admin page', () => {
  it('lists quarantined mail with sender, subject, reason and time; links the raw download; release and delete call their routes', async () => {
    serve(['admin'], [poison, other]);
    show();
    const row = (await screen.findByRole('cell', { name: 'Nested bomb' })).closest('tr')!;
    expect(within(row).getByText('ana@acme.example')).toBeTruthy();
    expect(within(row).getByText(/TOO_LARGE: MIME parts are nested 1001 deep/)).toBeTruthy();
    expect(within(row).getByRole('link', { name: /Download/ }).getAttribute('href')).toBe('/api/v1/mail-quarantine/q1/raw');
    expect(screen.getByRole('link', { name: 'Mail quarantine' }).getAttribute('href')).toBe('/admin/mail-quarantine');

    fireEvent.click(within(row).getByRole('button', { name: /Release/ }));
    expect(await screen.findByText('Released: it is processed once more.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('cell', { name: 'Nested bomb' })).toBeNull());

    const second = screen.getByRole('cell', { name: 'NUL bytes' }).closest('tr')!;
    fireEvent.click(within(second).getByRole('button', { name: /Delete/ }));
    fireEvent.click(within(screen.getByRole('group', { name: 'Delete this mail for good?' })).getByRole('button', { name: 'Yes, do it' }));
    expect(await screen.findByText('No quarantined mail.')).toBeTruthy();
    expect(sent.filter((s) => s.method !== 'GET')).toEqual([
      { url: '/api/v1/mail-quarantine/q1/release', method: 'POST' },
      { url: '/api/v1/mail-quarantine/q2', method: 'DELETE' },
    ]);
  });

  it('speaks Polish', async () => {
    serve(['admin'], [poison]);
    show('pl');
    expect(await screen.findByRole('heading', { name: 'Kwarantanna poczty' })).toBeTruthy();
    expect(await screen.findByRole('button', { name: /Zwolnij/ })).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Powód' })).toBeTruthy();
  });

  it('is not shown to someone who is not an admin, and asks the server for nothing', async () => {
    serve(['member'], [poison]);
    show();
    await waitFor(() => expect(sent.some((s) => s.url === '/api/v1/auth/me')).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByRole('alert').textContent).toMatch(/access/i);
    expect(screen.queryAllByText(/Nested bomb/)).toEqual([]);
    expect(sent.some((s) => s.url.startsWith('/api/v1/mail-quarantine'))).toBe(false);
  });
});
