// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OwnersSection } from '../src/app-page/owners-section';
import { createI18n } from '../src/i18n/create-i18n';

const ana = { id: 'o1', kind: 'user', userId: 'u1', groupId: null, name: 'Ana Nowak', email: 'ana@example.test', addedAt: '2026-01-01T00:00:00Z' };
const ben = { id: 'o2', kind: 'user', userId: 'u2', groupId: null, name: 'Ben Stone', email: 'ben@example.test', addedAt: '2026-01-02T00:00:00Z' };
const sent: { method: string; path: string; body: unknown }[] = [];

/** The owners API as documented: GET lists, POST adds and answers the new list. */
function serve(canManage: boolean) {
  sent.length = 0;
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const path = input.split('?')[0]!;
    const method = init.method ?? 'GET';
    sent.push({ method, path, body: init.body ? JSON.parse(String(init.body)) : null });
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (path === '/api/v1/auth/csrf') return json({ csrfToken: 'csrf' });
    if (path === '/api/v1/groups') return json({ items: [], total: 0 });
    if (path === '/api/v1/apps/a1/owners' && method === 'POST') return json({ items: [ana, ben], canManage }, 201);
    if (path === '/api/v1/apps/a1/owners') return json({ items: [ana], canManage });
    return json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: path }, 404);
  });
}

function mount(language: 'en' | 'pl') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(OwnersSection, { appId: 'a1' }))));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('owners section on the app page', () => {
  it('lists owners by name and lets an owner add a co-owner by e-mail', async () => {
    serve(true);
    mount('en');
    expect(await screen.findByText('Ana Nowak')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Owners' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Add a co-owner by e-mail'), { target: { value: 'ben@example.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add owner' }));
    expect(await screen.findByText('Ben Stone')).toBeTruthy();
    expect(sent.find((call) => call.method === 'POST' && call.path === '/api/v1/apps/a1/owners')?.body).toEqual({ email: 'ben@example.test' });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Remove Ben Stone' })).toBeTruthy());
  });

  it('shows owners in Polish and offers no changes to someone who is not an owner', async () => {
    serve(false);
    mount('pl');
    expect(await screen.findByText('Ana Nowak')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Właściciele' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Dodaj właściciela' })).toBeNull();
    expect(screen.queryByLabelText('Dodaj współwłaściciela po adresie e-mail')).toBeNull();
  });
});
