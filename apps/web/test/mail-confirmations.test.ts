// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MailConfirmations } from '../src/chat/mail-confirmations';
import { createI18n } from '../src/i18n/create-i18n';

const waiting = { id: 'm1', address: 'ana@acme.example', subject: 'Weekly invoice report', receivedAt: '2026-12-06T06:00:00.000Z', expiresAt: '2026-12-07T06:00:00.000Z' };
let sent: { url: string; method: string }[] = [];

function serve(items: object[]) {
  sent = [];
  let pending = items;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    sent.push({ url, method });
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === '/api/v1/auth/csrf') return json({ csrfToken: 't' });
    if (url === '/api/v1/mail-confirmations' && method === 'GET') return json({ items: pending });
    if (url === '/api/v1/mail-confirmations/m1/confirm' && method === 'POST') {
      pending = [];
      return json({ conversationId: 'c7' });
    }
    if (url === '/api/v1/mail-confirmations/m1' && method === 'DELETE') {
      pending = [];
      return new Response(null, { status: 204 });
    }
    return json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: 'no' }, 404);
  });
}

function show() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const page = createElement(Routes, null, createElement(Route, { path: '/chat', element: createElement(MailConfirmations) }), createElement(Route, { path: '/chat/:id', element: 'conversation opened' }));
  render(createElement(I18nextProvider, { i18n: createI18n('en') }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, { initialEntries: ['/chat'] }, page))));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('mail waiting for confirmation on the chat page', () => {
  it('lists my unproven mail; Confirm posts to its confirm address and opens the conversation', async () => {
    serve([waiting]);
    show();
    expect(await screen.findByText('Weekly invoice report')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Mail waiting for your confirmation' })).toBeTruthy();
    expect(screen.getByText(/ana@acme\.example/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await screen.findByText('conversation opened');
    expect(sent.filter((s) => s.method !== 'GET')).toEqual([{ url: '/api/v1/mail-confirmations/m1/confirm', method: 'POST' }]);
  });

  it('"Not me" deletes the waiting mail and the list disappears', async () => {
    serve([waiting]);
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Not me' }));
    await waitFor(() => expect(screen.queryByText('Weekly invoice report')).toBeNull());
    expect(sent.filter((s) => s.method !== 'GET')).toEqual([{ url: '/api/v1/mail-confirmations/m1', method: 'DELETE' }]);
  });

  it('shows nothing when no mail waits', async () => {
    serve([]);
    show();
    await waitFor(() => expect(sent.some((s) => s.url === '/api/v1/mail-confirmations')).toBe(true));
    expect(screen.queryByRole('heading', { name: 'Mail waiting for your confirmation' })).toBeNull();
  });
});
