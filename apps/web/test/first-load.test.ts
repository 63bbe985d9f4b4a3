// @vitest-environment happy-dom
import { createElement, type ReactNode } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { preloadFirstPage } from '../src/app';
import { askWhoIsSignedIn, SessionProvider } from '../src/auth/session';
import type { i18n as I18n } from 'i18next';
import { Layout } from '../src/components/layout';
import { createI18n } from '../src/i18n/create-i18n';
import { enFirst } from '../src/i18n/en-first';
import { startI18n } from '../src/i18n/i18n';
import { plFirst } from '../src/i18n/pl-first';
import { AppPage } from '../src/pages/app-page';
import { CatalogPage } from '../src/pages/catalog-page';
import { ChatPage } from '../src/pages/chat-page';
import { app, appPageAnswers, signedIn } from './app-page-fixtures';

const me = signedIn('member');
const answers = appPageAnswers(me);

/** Renders one page at an address, inside the providers the app gives it (and the header and menu, with `layout`). */
function mountPage(queryClient: QueryClient, address: string, path: string, page: () => ReactNode, i18n: I18n = createI18n('en'), layout = false) {
  const element = layout ? createElement(Layout, null, createElement(page)) : createElement(page);
  render(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(
        QueryClientProvider,
        { client: queryClient },
        createElement(MemoryRouter, { initialEntries: [address] }, createElement(SessionProvider, null, createElement(Routes, null, createElement(Route, { path, element })))),
      ),
    ),
  );
}
const mountAppPage = (queryClient: QueryClient) => mountPage(queryClient, '/apps/a1', '/apps/:id', AppPage);

const requested: string[] = [];
beforeEach(() => {
  requested.length = 0;
  document.cookie = 'mp_signed_in=1; path=/';
  vi.stubGlobal('fetch', async (url: string) => {
    requested.push(url);
    const body = answers[url] ?? (url.startsWith('/api/v1/apps?') ? { items: [app], total: 1 } : undefined);
    return body ? Response.json(body) : Response.json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: `There is no GET ${url}` }, { status: 404 });
  });
  // Sections below the first screen wait until scrolled to: this screen never scrolls.
  vi.stubGlobal('IntersectionObserver', class { observe() {} disconnect() {} });
});

afterEach(() => {
  cleanup();
  document.cookie = 'mp_signed_in=; path=/; max-age=0';
  vi.unstubAllGlobals();
});

describe('first load of an app page', () => {
  it('asks for the session, the app, my workstations and where the app runs before the UI renders, and never asks twice', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 10_000 } } });
    askWhoIsSignedIn();
    preloadFirstPage('/apps/a1', true, queryClient);
    // Side by side, before any component exists: none of them waits for another.
    expect(requested).toEqual(['/api/v1/auth/me', '/api/v1/apps/a1', '/api/v1/agents', '/api/v1/deployments?appId=a1']);

    mountAppPage(queryClient);
    await screen.findByRole('heading', { name: 'Invoice tracker' });
    await screen.findByTestId('enrol-hint');
    for (const url of ['/api/v1/auth/me', '/api/v1/apps/a1', '/api/v1/agents', '/api/v1/deployments?appId=a1']) expect(requested.filter((seen) => seen === url)).toHaveLength(1);
  });

  it('shows the app with its install panel already settled, so the page does not jump when the agents answer', async () => {
    let answerAgents: () => void = () => {};
    const agentsHeld = new Promise<void>((resolve) => (answerAgents = resolve));
    const answer = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string) => {
      if (url === '/api/v1/agents') await agentsHeld;
      return answer(url);
    });
    mountAppPage(new QueryClient({ defaultOptions: { queries: { retry: false } } }));
    await vi.waitFor(() => expect(requested).toContain('/api/v1/apps/a1'));
    await screen.findByRole('status');
    expect(screen.queryByRole('heading', { name: 'Invoice tracker' })).toBeNull();
    answerAgents();
    await screen.findByRole('heading', { name: 'Invoice tracker' });
    expect(screen.getByTestId('enrol-hint')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Install on my workstation' })).toBeNull();
  });

  it('asks nothing when the browser holds no session', () => {
    document.cookie = 'mp_signed_in=; path=/; max-age=0';
    askWhoIsSignedIn();
    preloadFirstPage('/apps/a1', false, new QueryClient());
    expect(requested).toEqual([]);
  });
});

describe('first load of the catalog', () => {
  it('asks for the list its address filters before the page renders, and the page uses that answer', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 10_000 } } });
    askWhoIsSignedIn();
    preloadFirstPage('/', true, queryClient, '?q=invoice&sort=rating');
    expect(requested).toHaveLength(2);
    const list = requested[1]!;
    expect(list).toMatch(/^\/api\/v1\/apps\?/);
    expect(new URLSearchParams(list.split('?')[1]).get('q')).toBe('invoice');
    expect(new URLSearchParams(list.split('?')[1]).get('sort')).toBe('rating');

    mountPage(queryClient, '/?q=invoice&sort=rating', '/', CatalogPage);
    await screen.findByText('Invoice tracker');
    expect(requested.filter((seen) => seen.startsWith('/api/v1/apps?'))).toEqual([list]);
  });
});

describe('the words a first load fetches', () => {
  it('hold every word the header, the catalog, an app page and the chat show, in English and Polish', async () => {
    const admin = { ...me, user: { ...me.user, roles: ['admin'] }, roles: ['admin'] };
    const answer = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string) => (url === '/api/v1/auth/me' ? Response.json(admin) : url === '/api/v1/conversations' ? Response.json({ items: [], total: 0 }) : answer(url)));
    for (const [language, words] of [['en', enFirst], ['pl', plFirst]] as const) {
      // An instance with only the first screens' words, as the browser starts: any other key would show raw.
      const i18n = startI18n(language, { [language]: words });
      const missing: string[] = [];
      Object.assign(i18n.options, { saveMissing: true, missingKeyHandler: (_languages: string[], _namespace: string, key: string) => missing.push(key) });
      const pages: [string, string, () => ReactNode, string][] = [
        ['/', '/', CatalogPage, 'Invoice tracker'],
        ['/apps/a1', '/apps/:id', AppPage, 'Invoice tracker'],
        ['/chat', '/chat', ChatPage, language === 'en' ? 'New app' : 'Nowa aplikacja'],
      ];
      for (const [address, path, page, shown] of pages) {
        mountPage(new QueryClient({ defaultOptions: { queries: { retry: false } } }), address, path, page, i18n, true);
        await screen.findAllByText(shown);
        if (path === '/apps/:id') await screen.findByTestId('enrol-hint');
        await new Promise((resolve) => setTimeout(resolve, 50)); // the answers after the first render
        expect(missing, `${language} ${address}`).toEqual([]);
        cleanup();
      }
    }
  });
});
