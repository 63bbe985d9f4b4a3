// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { MessagesPage } from '../src/pages/messages-page';
import { serverEnglishIn } from './server-english';

const me = { user: { id: 'u1', email: 'owner@acme.example', name: 'Olga', roles: ['member'], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: ['member'], via: 'cookie' };
const message = { id: 'm1', threadId: 'm1', app: { id: 'a1', name: 'room-booking', title: 'Room booking' }, senderVersion: '1.0.0', sender: 'jan@acme.example', subject: 'Room booking crashes', summary: 'Save crashes.', classification: 'bug-report', language: 'en', draft: 'Thanks Jan.', state: 'new', repliedAt: null, createdAt: '2026-12-06T10:00:00.000Z' };
const published = { id: 'c1', text: 'add a notes field', state: 'published', conversationId: 'conv1', requestId: 'r1', version: '1.1.0', error: null, notified: true, createdAt: '2026-12-06T10:05:00.000Z' };
let sent: { url: string; method: string; body: unknown }[] = [];

function serve(changes: object[], reporterChange: object | null = null) {
  sent = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    sent.push({ url, method, body: init.body ? JSON.parse(String(init.body)) : null });
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === '/api/v1/auth/me') return json(me);
    if (url === '/api/v1/auth/csrf') return json({ csrfToken: 't' });
    if (url.startsWith('/api/v1/messages?')) return json({ items: [message] });
    if (url === '/api/v1/messages/m1' && method === 'GET') return json({ ...message, body: 'Save crashes with an error 500.', thread: [], changes, reporterChange });
    if (url === '/api/v1/messages/m1/reply' && method === 'POST') {
      const asChange = (JSON.parse(String(init.body)) as { applyAsChange?: boolean }).applyAsChange;
      return json({ id: 'o1', messageId: '<o1@x>', ...(asChange ? { change: { id: 'c2', state: 'building', conversationId: 'conv2', requestId: 'r2', reply: 'Added the field “Notes”.' } } : {}) }, 201);
    }
    if (url === '/api/v1/messages/m1/reporter-change' && method === 'POST') return json({ state: 'rejected' });
    return json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: 'no' }, 404);
  });
}

function show(language: 'en' | 'pl' = 'en') {
  document.cookie = 'mp_signed_in=1; path=/';
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(MessagesPage))))));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the inbox: fix by reply', () => {
  it('shows a change as change requested → building → published vX, and "Reply and change the app" sends the change explicitly', async () => {
    serve([published]);
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Room booking crashes' }));
    const progress = await screen.findByRole('list', { name: 'Progress of the change' });
    expect(within(progress).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['change requested', 'building', 'published v1.1.0']);
    expect(screen.getByText('The sender was told which version has the fix.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open the conversation' }).getAttribute('href')).toBe('/chat/conv1');

    fireEvent.change(screen.getByLabelText(/Change to the app/), { target: { value: 'make the end date optional' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reply and change the app' }));
    expect(await screen.findByText('Reply sent; the next version is building.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    expect(await screen.findByText('Reply sent.')).toBeTruthy();
    const posts = sent.filter((s) => s.method === 'POST' && s.url.endsWith('/reply')).map((s) => s.body);
    expect(posts).toEqual([{ text: 'Thanks Jan.', applyAsChange: true, change: 'make the end date optional' }, { text: 'Thanks Jan.' }]);
  });

  it('speaks Polish, and says why a change failed', async () => {
    serve([{ ...published, state: 'failed', version: null, notified: false, error: 'validate: the tests failed' }]);
    show('pl');
    fireEvent.click(await screen.findByRole('button', { name: 'Room booking crashes' }));
    expect(await screen.findByRole('heading', { name: 'Zmiany zlecone w odpowiedziach' })).toBeTruthy();
    expect(screen.getByText('Budowanie się nie udało: validate: the tests failed')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Odpowiedz i zmień aplikację' })).toBeTruthy();
  });

  it("shows a change the reporter asked for, waiting for approval, and sends the owner's rejection with its reason", async () => {
    serve([], { id: 'rc1', text: 'add a notes field', policy: 'with-owner-approval', state: 'awaiting-owner', decidedBy: null, decidedAt: null, reason: null, createdAt: '2026-12-06T10:05:00.000Z' });
    show();
    fireEvent.click(await screen.findByRole('button', { name: 'Room booking crashes' }));
    const panel = await screen.findByRole('region', { name: 'Change asked by the reporter' });
    expect(within(panel).getByText(/Waits for an owner’s approval/)).toBeTruthy();
    fireEvent.change(within(panel).getByLabelText(/Reason/), { target: { value: 'not now' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Reject' }));
    await vi.waitFor(() => expect(sent.find((s) => s.url.endsWith('/reporter-change'))?.body).toEqual({ decision: 'reject', reason: 'not now' }));
    expect(within(panel).getByRole('button', { name: 'Approve and build' })).toBeTruthy();
  });

  it('says in Polish why a change failed when the server sends the reason as a notice, none of its English left', async () => {
    const error = 'The generated app failed validation at "test": 1 passed, 1 failed.';
    const failed = { ...published, state: 'failed', version: null, notified: false, error, errorNotice: { code: 'failure.validation', params: { step: 'test', detail: '1 passed, 1 failed' } } };
    serve([failed]);
    show('pl');
    fireEvent.click(await screen.findByRole('button', { name: 'Room booking crashes' }));
    expect(await screen.findByText('Budowanie się nie udało: Wygenerowana aplikacja nie przeszła walidacji na etapie „Testy”: 1 passed, 1 failed')).toBeTruthy();
    expect(serverEnglishIn(document.body.textContent!, [failed])).toEqual([]);
  });
});
