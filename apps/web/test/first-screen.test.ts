// @vitest-environment happy-dom
import { createElement } from 'react';
import { render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { preloadFirstPage } from '../src/app';
import { askWhoIsSignedIn, SessionProvider } from '../src/auth/session';
import { startFirstScreen } from '../src/first-screen';
import { createI18n } from '../src/i18n/create-i18n';
import { AppPage } from '../src/pages/app-page';
import { appPageAnswers, signedIn } from './app-page-fixtures';

const me = signedIn('publisher');
const answers: Record<string, unknown> = {
  ...appPageAnswers(me),
  '/api/v1/groups': { items: [{ id: 'g1', name: 'Finance', members: ['u1', 'u3'] }], total: 1 },
  '/api/v1/apps/a1/git': { cloneUrl: 'http://localhost/git/invoices.git', allowedSignersUrl: '/git/allowed_signers', tags: ['v1.2.0'], push: null },
};
const requested: string[] = [];

beforeEach(() => {
  document.cookie = 'mp_signed_in=1; path=/';
  vi.stubGlobal('fetch', async (url: string) => {
    requested.push(url);
    const body = answers[url];
    return body ? Response.json(body) : Response.json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: `There is no GET ${url}` }, { status: 404 });
  });
  vi.stubGlobal('IntersectionObserver', class { observe() {} disconnect() {} });
});

afterEach(() => {
  document.cookie = 'mp_signed_in=; path=/; max-age=0';
  vi.unstubAllGlobals();
});

describe('a first load of an app page', () => {
  it('asks for the CSRF token, the groups and the Git clone line, and renders what lies below the first screen, only once that screen has been painted, and then shows them', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 10_000 } } });
    askWhoIsSignedIn();
    startFirstScreen(preloadFirstPage('/apps/a1', true, queryClient));
    render(
      createElement(
        I18nextProvider,
        { i18n: createI18n('en') },
        createElement(
          QueryClientProvider,
          { client: queryClient },
          createElement(MemoryRouter, { initialEntries: ['/apps/a1'] }, createElement(SessionProvider, null, createElement(Routes, null, createElement(Route, { path: '/apps/:id', element: createElement(AppPage) })))),
        ),
      ),
    );
    // The first screen: the app and the install panel, from the first round of requests only.
    await screen.findByRole('heading', { name: 'Invoice tracker' });
    expect(screen.getByTestId('enrol-hint')).toBeTruthy();
    expect(requested).toEqual(['/api/v1/auth/me', '/api/v1/apps/a1', '/api/v1/agents', '/api/v1/deployments?appId=a1']);
    // What lies below it (the versions, the sections loaded when scrolled to) is rendered after the paint.
    expect(screen.queryByRole('heading', { name: 'Versions' })).toBeNull();

    // After the paint, the rest arrives and shows: the group to send to and the clone line.
    await screen.findByRole('option', { name: /Finance/ });
    await screen.findByTestId('git-clone');
    expect(screen.getByRole('heading', { name: 'Versions' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'v1.2.0' })).toBeTruthy();
    expect(requested.slice(4).sort()).toEqual(['/api/v1/apps/a1/git', '/api/v1/auth/csrf', '/api/v1/groups']);
  });
});
