// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { SignInPage } from '../src/pages/sign-in-page';

/** The browser's fetch, answered as a signed-out server would: /me is 401, /auth/sso as given. */
function serve(sso: unknown) {
  vi.stubGlobal('fetch', async (input: string) => {
    const path = input.split('?')[0]!;
    if (path === '/api/v1/auth/sso' && sso) return new Response(JSON.stringify(sso), { headers: { 'content-type': 'application/json' } });
    const status = path === '/api/v1/auth/sso' ? 404 : 401;
    return new Response(JSON.stringify({ status, code: status === 401 ? 'UNAUTHORIZED' : 'ROUTE_NOT_FOUND', detail: 'no' }), { status, headers: { 'content-type': 'application/problem+json' } });
  });
}

function mount(path: string, language: 'en' | 'pl' = 'en') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    createElement(
      I18nextProvider,
      { i18n: createI18n(language) },
      createElement(QueryClientProvider, { client }, createElement(MemoryRouter, { initialEntries: [path] }, createElement(SessionProvider, null, createElement(Routes, null, createElement(Route, { path: '*', element: createElement(SignInPage) }))))),
    ),
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('sign-in page with single sign-on', () => {
  it('offers the identity provider by name, starting the sign-in and coming back to the page asked for', async () => {
    serve({ enabled: true, providers: [{ id: 'oidc', name: 'Acme Entra ID' }] });
    mount('/');
    const button = await screen.findByRole('link', { name: 'Sign in with Acme Entra ID' });
    expect(button.getAttribute('href')).toBe('/api/v1/auth/sso/oidc/start?returnTo=/');
    cleanup();
    mount('/apps/a1?tab=files&sso_error=STATE_INVALID', 'pl');
    const polish = await screen.findByRole('link', { name: 'Zaloguj przez Acme Entra ID' });
    expect(polish.getAttribute('href')).toBe('/api/v1/auth/sso/oidc/start?returnTo=/apps/a1%3Ftab%3Dfiles');
  });

  it('shows no button when the server has no single sign-on', async () => {
    serve({ enabled: false, providers: [] });
    mount('/');
    await screen.findByRole('button', { name: 'Sign in' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('link', { name: /Sign in with/ })).toBeNull();
  });

  it('explains why single sign-on came back without signing in, in the UI language', async () => {
    serve(null);
    mount('/?sso_error=NOT_INVITED');
    expect((await screen.findByRole('alert')).textContent).toContain('Ask an admin of your organisation to invite you');
    cleanup();
    mount('/?sso_error=USER_DISABLED', 'pl');
    expect((await screen.findByRole('alert')).textContent).toContain('Twoje konto jest wyłączone');
    cleanup();
    mount('/?sso_error=SOMETHING_NEW');
    expect((await screen.findByRole('alert')).textContent).toContain('Single sign-on failed (SOMETHING_NEW)');
    cleanup();
    mount('/?sso_error=%3Cscript%3E');
    expect((await screen.findByRole('alert')).textContent).toContain('Single sign-on failed (UNKNOWN)');
  });
});
