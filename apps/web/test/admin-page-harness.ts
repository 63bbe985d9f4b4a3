import { createElement, type ComponentType } from 'react';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';

const user = { id: 'u1', email: 'ana@example.com', name: 'Ana', roles: ['admin'], status: 'active', createdAt: '2026-01-01T00:00:00Z', lastLoginAt: null };
const organization = { id: 'o1', name: 'Acme', slug: 'acme', createdAt: '2026-01-01T00:00:00Z' };

/** Every request an admin page made, in order (reset by each `serveAdminApi`). */
export const seen: { method: string; url: string; body: any }[] = [];

/** Stubs fetch for a signed-in admin: the session routes answer here, every other request `route`. */
export function serveAdminApi(route: (method: string, url: string, body: any) => [number, unknown]) {
  seen.length = 0;
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

/** Renders an admin page with the app's providers, signed in, in the given language. */
export function mountAdminPage(page: ComponentType, language: 'en' | 'pl' = 'en') {
  document.cookie = 'mp_signed_in=1; path=/';
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(page))))));
}
