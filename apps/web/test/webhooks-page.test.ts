// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountAdminPage, seen, serveAdminApi } from './admin-page-harness';
import { WebhooksPage } from '../src/pages/admin/webhooks-page';

const EVENT_TYPES = ['request.published', 'request.failed', 'approval.needed', 'deployment.healthy', 'deployment.unhealthy', 'deployment.rolled_back', 'review.added'];
const hookRow = (over: Record<string, unknown> = {}) => ({ id: 'w1', url: 'https://hooks.slack.com/services/T/B/x', description: 'team channel', events: ['request.published'], format: 'slack', enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null, secretRotatedAt: null, previousSecretUntil: null, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over });
const delivery = { id: 'd1', subscriptionId: 'w1', messageId: 'msg_1', type: 'request.published', state: 'failed', attempts: 8, nextAttemptAt: null, lastStatus: 500, lastDurationMs: 42, lastError: 'HTTP 500', responseExcerpt: 'down', replayOf: null, createdAt: '2026-01-02T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z' };

const serve = serveAdminApi;
const mount = (language: 'en' | 'pl' = 'en') => mountAdminPage(WebhooksPage, language);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('webhooks page', () => {
  it('creates a webhook with the chosen events and format and shows its secret once', async () => {
    const hooks: unknown[] = [];
    serve((method, url, body) => {
      if (method === 'POST' && url === '/api/v1/webhooks') {
        const created = hookRow({ url: body.url, events: body.events, format: body.format, description: body.description });
        hooks.push(created);
        return [201, { ...created, secret: 'whsec_c2VjcmV0LXNob3duLW9uY2U=' }];
      }
      return [200, { items: hooks, eventTypes: EVENT_TYPES }];
    });
    mount();
    await screen.findByText('None yet.');
    fireEvent.change(screen.getByLabelText(/Receiver URL/), { target: { value: 'https://hooks.slack.com/services/T/B/x' } });
    fireEvent.change(screen.getByLabelText('Message format'), { target: { value: 'slack' } });
    fireEvent.click(screen.getByLabelText('Deployment rolled back'));
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect((await screen.findByTestId('secret-value')).textContent).toBe('whsec_c2VjcmV0LXNob3duLW9uY2U=');
    expect(seen.find((s) => s.method === 'POST')!.body).toEqual({ url: 'https://hooks.slack.com/services/T/B/x', description: '', format: 'slack', events: ['request.published', 'deployment.rolled_back'], enabled: true });
    const row = (await screen.findAllByRole('row')).find((r) => r.textContent?.includes('hooks.slack.com'))!;
    expect(row.textContent).toContain('App published, Deployment rolled back');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('secret-value')).toBeNull();
  });

  it('says why a webhook was turned off, turns it on, test-sends, and replays from the delivery log (Polish)', async () => {
    let hook = hookRow({ enabled: false, disabledReason: '100 delivery attempts in a row failed' });
    serve((method, url) => {
      if (method === 'PATCH' && url === '/api/v1/webhooks/w1') return [200, (hook = hookRow())];
      if (method === 'POST' && url === '/api/v1/webhooks/w1/test') return [200, { id: 'd2', messageId: 'msg_2', state: 'succeeded', lastStatus: 200, lastDurationMs: 31, lastError: null, responseExcerpt: 'ok' }];
      if (url.startsWith('/api/v1/webhooks/w1/deliveries')) return [200, { items: [delivery] }];
      if (method === 'POST' && url === '/api/v1/webhook-deliveries/d1/replay') return [202, { id: 'd3' }];
      return [200, { items: [hook], eventTypes: EVENT_TYPES }];
    });
    mount('pl');
    expect(await screen.findByText('Wyłączony automatycznie: 100 delivery attempts in a row failed')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Włącz/ }));
    await waitFor(() => expect(seen.some((s) => s.method === 'PATCH' && s.body?.enabled === true)).toBe(true));
    await screen.findByText('Włączony');

    fireEvent.click(screen.getByRole('button', { name: /^Wyślij test/ }));
    expect((await screen.findByText(/Test wysłany/)).textContent).toBe('Test wysłany: dostarczone, HTTP 200, 31 ms');
    const log = await screen.findByRole('region', { name: 'Dziennik dostarczeń' });
    const entry = await within(log).findByText('HTTP 500');
    expect(entry.closest('tr')!.textContent).toContain('nieudane');
    fireEvent.click(within(log).getByRole('button', { name: /^Wyślij ponownie/ }));
    await within(log).findByText('W kolejce do ponownego wysłania.');
    expect(seen.some((s) => s.method === 'POST' && s.url === '/api/v1/webhook-deliveries/d1/replay')).toBe(true);
  });

  it('rotates the secret: shows the new one once and until when the old one still signs', async () => {
    let hook = hookRow();
    const until = '2026-01-03T10:00:00Z';
    serve((method, url) => {
      if (method === 'POST' && url === '/api/v1/webhooks/w1/rotate-secret') {
        hook = hookRow({ secretRotatedAt: '2026-01-02T10:00:00Z', previousSecretUntil: until });
        return [200, { ...hook, secret: 'whsec_bmV3LXNlY3JldC1zaG93bi1vbmNl' }];
      }
      return [200, { items: [hook], eventTypes: EVENT_TYPES }];
    });
    mount();
    fireEvent.click(await screen.findByRole('button', { name: /^New secret/ }));
    expect((await screen.findByTestId('secret-value')).textContent).toBe('whsec_bmV3LXNlY3JldC1zaG93bi1vbmNl');
    expect(screen.getByText(/The new signing secret of this webhook, shown only once\. Give it to the receiver now: until .+ every message is signed with the old secret as well/)).toBeTruthy();
    expect(seen.filter((s) => s.method === 'POST').map((s) => s.url)).toEqual(['/api/v1/webhooks/w1/rotate-secret']);
    await waitFor(() => expect(screen.getAllByRole('row').find((r) => r.textContent?.includes('hooks.slack.com'))!.textContent).toMatch(/old secret also signs until/));
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByTestId('secret-value')).toBeNull());
  });
});
