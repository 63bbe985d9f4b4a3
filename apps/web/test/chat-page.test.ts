// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { ChatPage } from '../src/pages/chat-page';

const me = { user: { id: 'u1', email: 'a@b.c', name: 'Ana', roles: ['member'], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: ['member'], via: 'cookie' };
const spec = { specVersion: 1, name: 'invoices', title: 'Invoice report', summary: 'Open invoices', kind: 'automation', entities: [{ name: 'invoice', fields: [{ name: 'amount', label: 'Amount', type: 'number' }] }], schedule: { cron: '0 8 * * 1' } };
const turn = (over: object) => ({ id: 'c1', reply: '', spec, missing: [], questions: [], actions: [], suggestions: [], similar: [], state: 'open', language: 'en', requestId: null, intent: null, notice: null, ...over });

interface Sent {
  url: string;
  method: string;
  body: unknown;
  accept: string;
}
let sent: Sent[] = [];
let requestState = 'validating';
/** The release e-mails of the published request. */
let publishedDeliveries: { id: string; recipient: string; state: string; error: string | null }[] = [];

function sse(events: [string, unknown][]): Response {
  return new Response(events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join(''), { headers: { 'content-type': 'text/event-stream' } });
}

function serve() {
  sent = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const headers = init.headers as Record<string, string>;
    sent.push({ url, method: init.method ?? 'GET', body: init.body ? JSON.parse(String(init.body)) : undefined, accept: headers.accept ?? '' });
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url === '/api/v1/auth/me') return json(me);
    if (url === '/api/v1/auth/csrf') return json({ csrfToken: 't' });
    if (url === '/api/v1/conversations') {
      return sse([['delta', { text: 'I drafted ' }], ['delta', { text: 'an automation.' }], ['turn', turn({ reply: 'I drafted an automation.', actions: [{ id: 'build', label: 'Build this app', message: 'build it' }], similar: [{ id: 'a9', name: 'inv', title: 'Invoice digest', kind: 'automation', latestVersion: '1.0.0', score: 0.7, shared: ['kind automation'] }] })]]);
    }
    if (url === '/api/v1/conversations/c1/messages') return json(turn({ reply: 'Amount is now text.', spec: { ...spec, entities: [{ name: 'invoice', fields: [{ name: 'amount', label: 'Amount', type: 'text' }] }] } }));
    if (url === '/api/v1/conversations/c1/build') return json(turn({ reply: 'Building.', state: 'building', requestId: 'r1' }), 202);
    if (url === '/api/v1/requests/r1') {
      if (requestState === 'published') return json({ id: 'r1', state: 'published', steps: ['generate', 'validate', 'package', 'scan', 'sign', 'publish'].map((name) => ({ name, state: 'done', durationMs: 1000, attempts: 1, error: null })), appId: 'a1', version: '1.0.0', error: null, notice: null, deliveries: publishedDeliveries });
      return json({ id: 'r1', state: 'validating', steps: [{ name: 'generate', state: 'done', durationMs: 2000, attempts: 1, error: null }, { name: 'validate', state: 'running', durationMs: null, attempts: 1, error: null }], appId: null, version: null, error: null, notice: null });
    }
    if (url === '/api/v1/conversations/c1') {
      const message = (role: string, text: string) => ({ role, text, language: 'en', spec: null, actions: [], createdAt: '' });
      return json({ id: 'c1', title: 'Invoice report', channel: 'web', state: 'delivered', missing: [], requestId: 'r1', spec, language: 'en', scheduleText: 'At 08:00, only on Monday', createdAt: '', updatedAt: '', messages: [message('user', 'Send me open invoices every Monday at 8'), message('assistant', 'I drafted an automation.'), message('assistant', 'Invoice report 1.0.0 is published and on its way.')] });
    }
    return json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: 'no' }, 404);
  });
}

/** Opens the chat, describes the invoice report and chooses “Build this app”. */
async function describeAndBuild() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(createElement(I18nextProvider, { i18n: createI18n('en') }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(ChatPage))))));
  fireEvent.change(await screen.findByLabelText('Message'), { target: { value: 'Send me open invoices every Monday at 8' } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  await screen.findAllByText('I drafted an automation.');
  fireEvent.click(screen.getAllByRole('button', { name: 'Build this app' }).at(-1)!);
}

afterEach(() => {
  requestState = 'validating';
  publishedDeliveries = [];
  cleanup();
  vi.unstubAllGlobals();
});

describe('chat page', () => {
  it('streams the reply, offers similar apps, edits the draft by message, builds and shows the pipeline', async () => {
    serve();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(createElement(I18nextProvider, { i18n: createI18n('en') }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(ChatPage))))));
    fireEvent.change(await screen.findByLabelText('Message'), { target: { value: 'Send me open invoices every Monday at 8' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findAllByText('I drafted an automation.');
    const start = sent.find((s) => s.url === '/api/v1/conversations')!;
    expect(start.accept).toContain('text/event-stream');
    expect(start.body).toEqual({ text: 'Send me open invoices every Monday at 8', channel: 'web' });
    expect(screen.getByRole('link', { name: 'Invoice digest' }).getAttribute('href')).toBe('/apps/a9');
    expect(screen.getByTestId('spec-draft').textContent).toContain('0 8 * * 1');

    // Changing a field's type goes back as a message the engine understands.
    fireEvent.change(screen.getByLabelText(/Amount/), { target: { value: 'text' } });
    await waitFor(() => expect(sent.some((s) => s.url === '/api/v1/conversations/c1/messages')).toBe(true));
    expect(sent.find((s) => s.url === '/api/v1/conversations/c1/messages')!.body).toEqual({ text: 'amount should be text' });
    await waitFor(() => expect((screen.getByLabelText(/Amount/) as HTMLSelectElement).value).toBe('text'));

    fireEvent.click(screen.getAllByRole('button', { name: 'Build this app' }).at(-1)!);
    await screen.findByRole('heading', { name: 'Build progress' });
    await waitFor(() => expect(screen.getByTestId('build-steps').textContent).toContain('Validate running'));
    expect(screen.getByTestId('build-steps').textContent).toContain('Generate done · 2 s');
  });

  it('shows the assistant’s word on the finished build in the conversation', async () => {
    serve();
    requestState = 'published';
    await describeAndBuild();
    const said = await screen.findAllByText('Invoice report 1.0.0 is published and on its way.');
    expect(said[0]!.closest('li')?.className).toBe('message assistant');
    expect(screen.getByTestId('build-steps').textContent).toContain('Deliver not sent: no workstation enrolled');
  });

  it('says on the Deliver step how many workstations the release was sent to', async () => {
    serve();
    requestState = 'published';
    publishedDeliveries = [
      { id: 'd1', recipient: 'agent-1@agents.acme.example', state: 'sent', error: null },
      { id: 'd2', recipient: 'agent-2@agents.acme.example', state: 'sent', error: null },
    ];
    await describeAndBuild();
    await waitFor(() => expect(screen.getByTestId('build-steps').textContent).toContain('Deliver sent to 2 workstations'));
  });

  it('says an opened conversation’s schedule in words, its cron beside it', async () => {
    serve();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(createElement(I18nextProvider, { i18n: createI18n('en') }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, { initialEntries: ['/chat/c1'] }, createElement(SessionProvider, null, createElement(Routes, null, createElement(Route, { path: '/chat/:id', element: createElement(ChatPage) })))))));
    await waitFor(() => expect(document.querySelector('.schedule-form p')?.textContent).toContain('Schedule: At 08:00, only on Monday 0 8 * * 1'));
  });
});
