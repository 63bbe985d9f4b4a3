// @vitest-environment happy-dom
import { createElement, type ReactNode } from 'react';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { AppPage } from '../src/pages/app-page';
import { DeploymentsPage } from '../src/pages/deployments-page';
import { app, appPageAnswers, signedIn } from './app-page-fixtures';

/**
 * A Redeploy whose fresh copy did not become healthy, as the server records it: the version stays
 * healthy and current (the copy installed before serves), the attempt is its reason and the last
 * entry of its history. The app page and the deployments page say so in the reader's language.
 */
const me = signedIn('member');
const reason = {
  code: 'REINSTALL_FAILED',
  message: 'invoices 1.2.0 installed again did not become healthy: GET /healthz answered 500. The copy installed before keeps serving.',
  notices: [
    { code: 'deployment.reinstallHealthFailed', params: { app: 'invoices', version: '1.2.0' } },
    { code: 'health.answered', params: { path: '/healthz', status: 500 } },
    { code: 'deployment.previousCopyServes', params: {} },
  ],
};
const deployment = {
  id: 'd1',
  appId: 'a1',
  app: 'invoices',
  version: '1.2.0',
  agentId: 'ag1',
  state: 'healthy',
  health: { ok: true, url: 'http://127.0.0.1:41000/' },
  reason,
  updatedAt: '2026-12-07T10:05:00.000Z',
  appTitle: 'Invoice tracker',
  agentName: 'Ana’s laptop',
  pendingCommand: null,
  current: true,
  rollbackTo: null,
};
const at = (minute: number) => `2026-12-07T10:0${minute}:00.000Z`;
const detail = {
  ...deployment,
  logTail: 'Error: broken on purpose\n',
  logTailAt: at(5),
  logsRequest: null,
  history: [
    { state: 'healthy', reason: null, health: { ok: true }, source: 'http', at: at(1) },
    { state: 'received', reason: null, health: null, source: 'http', at: at(2) },
    { state: 'deploying', reason: null, health: null, source: 'http', at: at(3) },
    { state: 'healthy', reason, health: { ok: true }, source: 'http', at: at(5) },
  ],
};
const agent = { id: 'ag1', name: 'Ana’s laptop', userId: 'u1', ownerName: 'Ana', hostname: 'laptop', os: 'linux', version: '1.0.0', runtimes: ['process'], lastSeenAt: at(5), createdAt: at(0), revokedAt: null, online: true };
const answers: Record<string, unknown> = {
  ...appPageAnswers(me),
  '/api/v1/agents': { items: [agent], total: 1 },
  '/api/v1/deployments?appId=a1': { items: [deployment], total: 1 },
  '/api/v1/deployments/d1': detail,
};

function mountPage(address: string, path: string, page: () => ReactNode, language: 'en' | 'pl') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 10_000 } } });
  render(
    createElement(
      I18nextProvider,
      { i18n: createI18n(language) },
      createElement(QueryClientProvider, { client: queryClient }, createElement(MemoryRouter, { initialEntries: [address] }, createElement(SessionProvider, null, createElement(Routes, null, createElement(Route, { path, element: createElement(page) }))))),
    ),
  );
}

beforeEach(() => {
  document.cookie = 'mp_signed_in=1; path=/';
  vi.stubGlobal('fetch', async (url: string) => {
    const path = String(url);
    const body = answers[path] ?? (path === '/api/v1/deployments' || path.startsWith('/api/v1/deployments?') ? { items: [deployment], total: 1 } : path.startsWith('/api/v1/apps?') ? { items: [app], total: 1 } : undefined);
    return body ? Response.json(body) : Response.json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: `There is no GET ${path}` }, { status: 404 });
  });
  vi.stubGlobal('IntersectionObserver', class { observe() {} disconnect() {} });
});

afterEach(() => {
  cleanup();
  document.cookie = 'mp_signed_in=; path=/; max-age=0';
  vi.unstubAllGlobals();
});

describe('a Redeploy whose fresh copy failed, in the web UI', () => {
  it('app page: the version still runs on my workstation, with the failed attempt worded in Polish and Redeploy offered', async () => {
    mountPage('/apps/a1', '/apps/:id', AppPage, 'pl');
    const mine = await screen.findByTestId('my-deployments');
    expect(mine.textContent).toContain('v1.2.0 · sprawne');
    expect(within(mine).getByTestId('reinstall-failed').textContent).toBe('invoices 1.2.0 zainstalowana ponownie nie zaczęła działać poprawnie: GET /healthz odpowiada kodem 500. Nadal działa kopia zainstalowana wcześniej.');
    expect(within(mine).getByRole('button', { name: /^Wdróż ponownie/ })).toBeTruthy();
    expect(mine.textContent).not.toMatch(/wycofan/i);
  });

  it('deployments page: healthy with Remove and Redeploy, and the history says the attempt failed, not that it was healthy or rolled back', async () => {
    mountPage('/deployments', '/deployments', DeploymentsPage, 'en');
    const row = (await screen.findAllByText(/Invoice tracker/))[0]!.closest('tr')!;
    expect(within(row).getByText('healthy')).toBeTruthy();
    expect(within(row).getByRole('button', { name: /^Remove/ })).toBeTruthy();
    expect(within(row).getByRole('button', { name: /^Redeploy/ })).toBeTruthy();
    expect(within(row).queryByRole('button', { name: /^Roll back/ })).toBeNull();
    const summary = within(row).getByText('Last log lines');
    (summary.parentElement as HTMLDetailsElement).open = true;
    fireEvent(summary.parentElement!, new Event('toggle'));
    const history = await within(row).findByTestId('deployment-history');
    const entries = within(history).getAllByRole('listitem').map((item) => item.textContent!.split(' · ').slice(1).join(' · '));
    expect(entries).toEqual(['healthy', 'received', 'deploying', `installed again: failed · ${reason.message}`]);
    expect(history.textContent).not.toMatch(/rolled back/);
  });
});
