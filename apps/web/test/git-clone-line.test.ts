// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GitCloneLine } from '../src/app-page/git-clone-line';
import { createI18n } from '../src/i18n/create-i18n';

const repository = { cloneUrl: 'https://market.example.test/git/acme/laptops.git', allowedSignersUrl: 'https://market.example.test/api/v1/git/allowed-signers', tags: ['v1.0.0'] };

/** The Git repository route as documented; `tags` empty: nothing exported yet. */
function serve(tags: string[], push: unknown = null) {
  vi.stubGlobal('fetch', async (input: string) => {
    const path = input.split('?')[0]!;
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (path === '/api/v1/apps/a1/git') return json({ ...repository, tags, push });
    return json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: path }, 404);
  });
}

function mount(language: 'en' | 'pl') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return { client, ...render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, createElement(GitCloneLine, { appId: 'a1' })))) };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Git clone line on the app page', () => {
  it('shows the clone command, what to sign in with and the allowed signers file', async () => {
    serve(['v1.0.0']);
    mount('en');
    expect(await screen.findByText('git clone https://market.example.test/git/acme/laptops.git')).toBeTruthy();
    expect(screen.getByText(/your API key as the password/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'allowed signers for git tag -v' }).getAttribute('href')).toBe(repository.allowedSignersUrl);
  });

  it('speaks Polish', async () => {
    serve(['v1.0.0']);
    mount('pl');
    expect(await screen.findByText('git clone https://market.example.test/git/acme/laptops.git')).toBeTruthy();
    expect(screen.getByText('Kod źródłowy w Git:', { exact: false })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'dozwolone klucze dla git tag -v' })).toBeTruthy();
  });

  it('says where the source was last pushed, or why the push failed', async () => {
    const push = { remoteUrl: 'https://git.example.com/tools/laptops.git', lastPushedVersion: '1.0.0', lastPushedAt: '2026-02-01T10:00:00Z', errorCode: null, error: null, lastAttemptAt: '2026-02-01T10:00:00Z', gitlabWebUrl: null };
    serve(['v1.0.0'], push);
    mount('en');
    expect((await screen.findByTestId('git-push')).textContent).toBe('Pushed to https://git.example.com/tools/laptops.git: 1.0.0');
    cleanup();
    serve(['v1.0.0'], { ...push, errorCode: 'GIT_PUSH_AUTH_FAILED', error: 'The remote refused the credentials saved for it' });
    mount('pl');
    expect((await screen.findByTestId('git-push')).textContent).toBe('Wypchnięcie do https://git.example.com/tools/laptops.git nie powiodło się: zdalne repozytorium odrzuciło zapisane dane logowania; sprawdź nazwę użytkownika i token albo prawo zapisu klucza wdrożeniowego');
    cleanup();
    // a code this UI does not know yet: the server's sentence
    serve(['v1.0.0'], { ...push, errorCode: 'GIT_PUSH_SOMETHING_NEWER', error: 'Something newer went wrong' });
    mount('pl');
    expect((await screen.findByTestId('git-push')).textContent).toBe('Wypchnięcie do https://git.example.com/tools/laptops.git nie powiodło się: Something newer went wrong');
  });

  it('shows nothing before the first version is exported', async () => {
    serve([]);
    const { client, container } = mount('en');
    await waitFor(() => expect(client.getQueryState(['app', 'a1', 'git'])?.status).toBe('success'));
    expect(container.querySelector('[data-testid="git-clone"]')).toBeNull();
  });
});
