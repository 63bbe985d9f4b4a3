// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { AccountPage } from '../src/pages/account-page';

const user = { id: 'u1', email: 'ana@example.com', name: 'Ana', roles: ['member'], status: 'active', createdAt: '2026-01-01T00:00:00Z', lastLoginAt: null };
const organization = { id: 'o1', name: 'Acme', slug: 'acme', createdAt: '2026-01-01T00:00:00Z' };
const token = `mpf_${'a'.repeat(43)}`;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('feed tokens on the account page', () => {
  it('makes a feed link shown once with a copy button, lists the token by prefix and revokes it', async () => {
    const tokens: any[] = [];
    const seen: { method: string; url: string }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      seen.push({ method, url });
      if (url.endsWith('/auth/me')) return Response.json({ user, organization, roles: ['member'], via: 'cookie' });
      if (url.endsWith('/auth/csrf')) return Response.json({ csrfToken: 'csrf' });
      if (method === 'POST' && url === '/api/v1/feed-tokens') {
        const row = { id: 't1', name: 'Feed reader', prefix: 'aaaaaa', createdAt: '2026-01-01T00:00:00Z', lastUsedAt: null, revokedAt: null };
        tokens.push(row);
        return Response.json({ ...row, token, atomUrl: `https://mp.example/api/v1/feeds/catalog.atom?token=${token}`, jsonUrl: `https://mp.example/api/v1/feeds/catalog.json?token=${token}` }, { status: 201 });
      }
      if (method === 'DELETE') {
        tokens[0].revokedAt = '2026-01-02T00:00:00Z';
        return new Response(null, { status: 204 });
      }
      return Response.json({ items: tokens });
    });
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    document.cookie = 'mp_signed_in=1; path=/';
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(createElement(I18nextProvider, { i18n: createI18n('en') }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(AccountPage))))));

    fireEvent.click(await screen.findByRole('button', { name: 'Make a feed link' }));
    const [atom] = await screen.findAllByTestId('secret-value');
    expect(atom!.textContent).toBe(`https://mp.example/api/v1/feeds/catalog.atom?token=${token}`);
    fireEvent.click(screen.getAllByRole('button', { name: 'Copy' })[0]!);
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(atom!.textContent));
    expect(await screen.findByText('mpf_aaaaaa…')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Revoke/ }));
    await waitFor(() => expect(screen.queryByText('mpf_aaaaaa…')).toBeNull());
    expect(seen.some((s) => s.method === 'DELETE' && s.url === '/api/v1/feed-tokens/t1')).toBe(true);
  });
});
