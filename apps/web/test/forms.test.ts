// @vitest-environment happy-dom
import { createElement, type ReactNode } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/api-error';
import { SessionProvider, useSession } from '../src/auth/session';
import { QueryState } from '../src/components/query-state';
import { createI18n } from '../src/i18n/create-i18n';
import { SignInPage } from '../src/pages/sign-in-page';
import { AccountPage } from '../src/pages/account-page';
import { ResetPasswordPage } from '../src/pages/reset-password-page';
import { ApiKeysPage } from '../src/pages/admin/api-keys-page';
import { AuditPage } from '../src/pages/admin/audit-page';

interface Seen {
  method: string;
  url: string;
  body: any;
  csrf: string | undefined;
}
let seen: Seen[] = [];

/** The browser's fetch answered by a routing function: what the page sent is recorded. */
function serve(route: (method: string, url: string, body: any) => [number, unknown]) {
  seen = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    const method = init.method ?? 'GET';
    seen.push({ method, url: input, body, csrf: (init.headers as Record<string, string>)['x-csrf-token'] });
    const [status, payload] = route(method, input, body);
    if (status === 204) return new Response(null, { status });
    return new Response(JSON.stringify(payload), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
  });
}

function wrap(children: ReactNode, language: 'en' | 'pl' = 'en') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return createElement(
    I18nextProvider,
    { i18n: createI18n(language) },
    createElement(QueryClientProvider, { client: queryClient }, createElement(MemoryRouter, null, createElement(SessionProvider, null, children))),
  );
}

const user = { id: 'u1', email: 'ana@example.com', name: 'Ana', roles: ['admin'], status: 'active', createdAt: '2026-01-01T00:00:00Z', lastLoginAt: null };
const organization = { id: 'o1', name: 'Acme', slug: 'acme', createdAt: '2026-01-01T00:00:00Z' };

/** What the server's Set-Cookie for `mp_signed_in` leaves in a browser that signed in. */
const markSignedIn = () => (document.cookie = 'mp_signed_in=1; path=/');
const signedInMarker = () => document.cookie.split(';').some((part) => part.trim() === 'mp_signed_in=1');
beforeEach(() => {
  document.cookie = 'mp_signed_in=; path=/; max-age=0';
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('sign-in form', () => {
  it('says the session ended when this browser held one the server no longer knows, and nothing to a new visitor', async () => {
    serve((method, url) => (url.endsWith('/auth/me') ? [401, { status: 401, code: 'SESSION_ENDED', detail: 'This session has ended; sign in again.' }] : [401, { status: 401, code: 'REFRESH_INVALID', detail: 'Sign in again.' }]));
    markSignedIn();
    render(wrap(createElement(SignInPage)));
    expect((await screen.findByRole('status')).textContent).toContain('You were signed out: your session ended');
    cleanup();

    render(wrap(createElement(SignInPage), 'pl'));
    expect(screen.queryByRole('status')).toBeNull();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Zaloguj' })).toBeTruthy());
    expect(screen.queryByText(/Wylogowano Cię/)).toBeNull();
  });


  it('asks for the session cookie and says “wrong e-mail or password” when sign-in fails', async () => {
    serve((method, url) => (url.endsWith('/auth/me') ? [401, { status: 401, code: 'UNAUTHORIZED', detail: 'Sign in first.' }] : [401, { status: 401, code: 'INVALID_CREDENTIALS', detail: 'The e-mail or password is wrong.' }]));
    render(wrap(createElement(SignInPage)));
    fireEvent.change(screen.getByLabelText('E-mail'), { target: { value: 'ana@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    // said plainly, not under "Something went wrong", and pointing to the way out
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Wrong e-mail or password.');
    expect(alert.textContent).not.toContain('Something went wrong');
    expect(screen.getByRole('link', { name: 'Forgot password?' }).getAttribute('href')).toBe('/reset-password');
    const login = seen.find((s) => s.url === '/api/v1/auth/login')!;
    expect(login.body).toEqual({ email: 'ana@example.com', password: 'wrong password', cookie: true });
    // A refused sign-in is not something to retry blindly.
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('says for how many minutes a locked account stays locked, in English and Polish, with the way out', async () => {
    for (const [language, emailLabel, passwordLabel, signIn, words] of [
      ['en', 'E-mail', 'Password', 'Sign in', 'this account is locked for 3 more minutes'],
      ['pl', 'E-mail', 'Hasło', 'Zaloguj', 'pozostało minut: 3'],
    ] as const) {
      serve((method, url) => (url.endsWith('/auth/me') ? [401, { status: 401, code: 'UNAUTHORIZED', detail: 'Sign in first.' }] : [429, { status: 429, code: 'ACCOUNT_LOCKED', detail: 'Too many failed sign-ins: this account is locked for 3 more minutes.', retryAfterSeconds: 150 }]));
      render(wrap(createElement(SignInPage), language));
      fireEvent.change(screen.getByLabelText(emailLabel), { target: { value: 'ana@example.com' } });
      fireEvent.change(screen.getByLabelText(passwordLabel), { target: { value: 'x' } });
      fireEvent.click(screen.getByRole('button', { name: signIn }));
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toContain(words);
      // the UI's own words, not the server's English sentence under "Something went wrong"
      expect(alert.textContent).not.toMatch(/Something went wrong|Coś poszło nie tak/);
      if (language === 'pl') expect(alert.textContent).not.toContain('Too many');
      cleanup();
    }
  });
});

describe('password forms', () => {
  it('says plainly that the current password is wrong when changing it, in English and Polish', async () => {
    for (const [language, current, next, save, words] of [
      ['en', 'Current password', 'New password', 'Save new password', 'The current password is wrong.'],
      ['pl', 'Obecne hasło', 'Nowe hasło', 'Zapisz nowe hasło', 'Obecne hasło jest błędne.'],
    ] as const) {
      serve((method, url) => (url.endsWith('/auth/password') ? [401, { status: 401, code: 'WRONG_PASSWORD', detail: 'The current password is wrong; type it again.' }] : [200, { user, organization }]));
      markSignedIn();
      render(wrap(createElement(AccountPage), language));
      fireEvent.change(screen.getByLabelText(current), { target: { value: 'not it at all' } });
      fireEvent.change(screen.getByLabelText(next), { target: { value: 'a new passphrase' } });
      fireEvent.click(screen.getByRole('button', { name: save }));
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toContain(words);
      // not the server's English sentence under "Something went wrong"
      expect(alert.textContent).not.toMatch(/Something went wrong|Coś poszło nie tak|type it again\./);
      cleanup();
    }
  });

  it('says a used or expired reset link does not work any more, and offers a new one', async () => {
    serve(() => [400, { status: 400, code: 'RESET_LINK_INVALID', detail: 'This reset link is not valid any more.' }]);
    window.location.hash = '#token=' + 'x'.repeat(43);
    render(wrap(createElement(ResetPasswordPage), 'pl'));
    fireEvent.change(screen.getByLabelText('Nowe hasło'), { target: { value: 'a new passphrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Zapisz nowe hasło' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Ten link już nie działa');
    expect(screen.getByRole('link', { name: 'Wyślij mi nowy link' }).getAttribute('href')).toBe('/reset-password');
    window.location.hash = '';
  });
});

describe('session on load', () => {
  function Who() {
    const { me, loading } = useSession();
    return createElement('p', null, loading ? 'loading' : (me?.user?.name ?? 'signed out'));
  }

  it('asks the server nothing on a signed-out load (no 401 in the console), and asks once this browser has signed in', async () => {
    serve((method, url) => (url.endsWith('/auth/me') ? [200, { user, organization, roles: ['admin'], via: 'cookie' }] : url.endsWith('/auth/csrf') ? [200, { csrfToken: 'c' }] : [404, {}]));
    render(wrap(createElement(Who)));
    await screen.findByText('signed out');
    expect(seen).toEqual([]);
    cleanup();

    // Signed in before (the server set its readable marker cookie beside the session): the session is read.
    markSignedIn();
    render(wrap(createElement(Who)));
    await screen.findByText('Ana');
    expect(seen.map((s) => s.url)).toContain('/api/v1/auth/me');
  });

  it('drops the marker when the server says the session is gone, so the next load asks nothing', async () => {
    markSignedIn();
    serve(() => [401, { status: 401, code: 'UNAUTHORIZED', detail: 'Sign in first.' }]);
    render(wrap(createElement(Who)));
    await screen.findByText('signed out');
    expect(signedInMarker()).toBe(false);
  });
});

describe('API keys form', () => {
  it('sends the CSRF token, shows the new key once, and forgets it when closed', async () => {
    markSignedIn(); // signed in in this browser
    const keys: any[] = [];
    serve((method, url, body) => {
      if (url.endsWith('/auth/me')) return [200, { user, organization, roles: ['admin'], via: 'cookie' }];
      if (url.endsWith('/auth/csrf')) return [200, { csrfToken: 'csrf-abc' }];
      if (method === 'POST' && url === '/api/v1/api-keys') {
        const key = { id: 'k1', name: body.name, prefix: 'mpk_ab12', roles: body.roles, createdAt: '2026-01-01T00:00:00Z', expiresAt: null, lastUsedAt: null, revokedAt: null };
        keys.push(key);
        return [201, { ...key, key: 'mpk_ab12_the-whole-secret-value' }];
      }
      return [200, { items: keys }];
    });
    render(wrap(createElement(ApiKeysPage)));
    await screen.findByText('None yet.');
    fireEvent.change(screen.getByLabelText('Key name'), { target: { value: 'Nightly export' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect((await screen.findByTestId('secret-value')).textContent).toBe('mpk_ab12_the-whole-secret-value');
    const create = seen.find((s) => s.method === 'POST')!;
    expect(create.csrf).toBe('csrf-abc');
    expect(create.body).toEqual({ name: 'Nightly export', roles: ['member'] });
    await screen.findByRole('cell', { name: 'Nightly export' });
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(document.body.textContent).not.toContain('the-whole-secret-value');
  });
});

describe('audit log filters', () => {
  it('narrows to one actor from a row and to whole days, and says so', async () => {
    markSignedIn();
    const entry = (seq: number, actorId: string, actorName: string) => ({
      id: `e${seq}`, seq, at: '2026-03-02T10:00:00Z', actorType: 'user', actorId, actorName, actorEmail: `${actorName.toLowerCase()}@example.com`,
      action: 'app.publish', targetType: 'app', targetId: 'a1', result: 'success', statusCode: 200, ip: null, requestId: null, details: {}, hash: 'h',
    });
    serve((method, url) => {
      if (url.endsWith('/auth/me')) return [200, { user, organization, roles: ['admin'], via: 'cookie' }];
      if (url.endsWith('/auth/csrf')) return [200, { csrfToken: 'c' }];
      if (url.startsWith('/api/v1/audit?')) {
        const only = new URL(url, 'http://x').searchParams.get('actorId');
        const items = [entry(2, 'u-bo', 'Bo'), entry(1, 'u-ana', 'Ana')].filter((e) => !only || e.actorId === only);
        return [200, { items, total: items.length }];
      }
      return [200, { items: [] }];
    });
    render(wrap(createElement(AuditPage)));
    await screen.findByText('Bo');
    fireEvent.click(screen.getAllByRole('button', { name: 'only this actor' })[1]!);
    await screen.findByText('Showing only what Ana did.');
    await waitFor(() => expect(screen.queryByText('Bo')).toBeNull());
    expect(new URL(seen.at(-1)!.url, 'http://x').searchParams.get('actorId')).toBe('u-ana');

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-03-02' } });
    await waitFor(() => {
      const params = new URL(seen.at(-1)!.url, 'http://x').searchParams;
      expect(new Date(params.get('from')!).getTime()).toBe(new Date('2026-03-01T00:00:00').getTime());
      // "To" includes the whole day
      expect(new Date(params.get('to')!).getTime()).toBe(new Date('2026-03-03T00:00:00').getTime());
      expect(params.get('actorId')).toBe('u-ana');
    });

    fireEvent.click(screen.getByRole('button', { name: 'Everyone' }));
    await screen.findByText('Bo');
  });
});

describe('QueryState', () => {
  function Probe({ error }: { error: ApiError }) {
    const query = useQuery({ queryKey: ['probe', error.code], queryFn: () => Promise.reject(error) });
    return createElement(QueryState<unknown>, { query, empty: createElement('p', null, 'no apps yet'), children: () => 'data' });
  }

  it('shows the empty state when the route has not landed on this server', async () => {
    serve(() => [401, { status: 401, code: 'UNAUTHORIZED', detail: 'x' }]);
    render(wrap(createElement(Probe, { error: new ApiError({ status: 404, code: 'ROUTE_NOT_FOUND', detail: 'There is no GET /api/v1/apps' }) })));
    await screen.findByText('no apps yet');
  });

  it('shows the detail with a retry for a server error, in Polish too', async () => {
    serve(() => [401, { status: 401, code: 'UNAUTHORIZED', detail: 'x' }]);
    render(wrap(createElement(Probe, { error: new ApiError({ status: 503, code: 'UNAVAILABLE', detail: 'The database is starting; retry in a few seconds.', requestId: 'rq-7' }) }), 'pl'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The database is starting; retry in a few seconds.');
    expect(alert.textContent).toContain('Identyfikator żądania: rq-7');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Spróbuj ponownie' })).toBeTruthy());
  });
});
