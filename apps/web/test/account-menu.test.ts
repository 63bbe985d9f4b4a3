// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { Layout } from '../src/components/layout';
import { createI18n } from '../src/i18n/create-i18n';

const me = { user: { id: 'u1', email: 'ana@acme.test', name: 'Ana Admin', roles: ['admin'], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: ['admin'], via: 'cookie' };

function mount(language: 'en' | 'pl') {
  document.cookie = 'mp_signed_in=1; path=/';
  vi.stubGlobal('fetch', async (input: string) =>
    input.startsWith('/api/v1/auth/me') ? new Response(JSON.stringify(me), { headers: { 'content-type': 'application/json' } }) : new Response('{}', { status: 404, headers: { 'content-type': 'application/json' } }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(Layout, null, createElement('h1', null, 'x')))))),
  );
}

afterEach(() => {
  cleanup();
  document.cookie = 'mp_signed_in=; path=/; max-age=0';
  vi.unstubAllGlobals();
});

describe('the header’s account menu', () => {
  it('folds the account, the language and sign-out behind the person’s name: opened by the button, closed by Escape with focus back on it', async () => {
    mount('pl');
    const toggle = await screen.findByRole('button', { name: 'Konto: Ana Admin' });
    const panel = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(panel.classList.contains('open')).toBe(false);
    // the admin entry stays one link in the navigation; the panel holds the rest
    expect(screen.getByRole('navigation').querySelectorAll('ul a').length).toBe(7);
    expect(panel.textContent).toContain('Zalogowano jako Ana Admin');
    expect(panel.querySelector('select')).toBeTruthy();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(panel.classList.contains('open')).toBe(true);
    expect(screen.getByRole('button', { name: 'Wyloguj' })).toBeTruthy();
    fireEvent.keyDown(document, { key: 'Escape' });
    await waitFor(() => expect(toggle.getAttribute('aria-expanded')).toBe('false'));
    expect(document.activeElement).toBe(toggle);
  });

  it('closes when the pointer goes down elsewhere on the page', async () => {
    mount('en');
    const toggle = await screen.findByRole('button', { name: 'Account: Ana Admin' });
    fireEvent.click(toggle);
    fireEvent.pointerDown(screen.getByRole('main'));
    await waitFor(() => expect(toggle.getAttribute('aria-expanded')).toBe('false'));
  });
});
