// @vitest-environment happy-dom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../src/auth/session';
import { createI18n } from '../src/i18n/create-i18n';
import { CatalogPage } from '../src/pages/catalog-page';
import { AppPage } from '../src/pages/app-page';
import { buildTree } from '../src/components/file-tree';
import { en } from '../src/i18n/en';
import { pl } from '../src/i18n/pl';
import { summaryLine } from '../src/pages/catalog-page';

const requested: string[] = [];
/** The browser's fetch answered from the documented shapes (DESIGN.md "Core HTTP API"). */
function serve(routes: Record<string, unknown>) {
  requested.length = 0;
  vi.stubGlobal('fetch', async (input: string) => {
    requested.push(input);
    const path = input.split('?')[0]!;
    const found = Object.entries(routes).find(([pattern]) => new RegExp(`^${pattern}$`).test(path));
    if (!found) return new Response(JSON.stringify({ status: 404, code: 'ROUTE_NOT_FOUND', detail: `There is no GET ${path}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
    const body = found[1];
    return typeof body === 'string' ? new Response(body, { headers: { 'content-type': 'text/plain' } }) : new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  });
}

const card = { id: 'a1', name: 'invoices', title: 'Invoice tracker', summary: 'Tracks unpaid invoices.', kind: 'form-app', tags: ['finance'], latestVersion: '1.2.0', rating: 4.5, ratingCount: 2, installs: 12345, health: { healthy: 3, unhealthy: 0 }, authorId: 'u2', authorName: 'Ben', updatedAt: '2026-01-02T00:00:00Z' };
const version = (v: string, keyId: string) => ({ version: v, publishedAt: '2026-01-02T00:00:00Z', bundleSha256: 'ab'.repeat(32), bundleSize: 4096, keyId, changelog: `Changes in ${v}`, validation: { ok: true }, scan: { verdict: 'clean' } });
const me = { user: { id: 'u1', email: 'a@b.c', name: 'Ana', roles: ['member'], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: ['member'], via: 'cookie' };

function mount(path: string, language: 'en' | 'pl' = 'en') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    createElement(
      I18nextProvider,
      { i18n: createI18n(language) },
      createElement(
        QueryClientProvider,
        { client },
        createElement(MemoryRouter, { initialEntries: [path] }, createElement(SessionProvider, null, createElement(Routes, null, createElement(Route, { path: '/', element: createElement(CatalogPage) }), createElement(Route, { path: '/apps/:id', element: createElement(AppPage) })))),
      ),
    ),
  );
}

/** A browser whose screen shows the whole page (`near`), or only its top: sections below wait until scrolled to. */
function screenShows(near: boolean) {
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      constructor(private readonly callback: (entries: { isIntersecting: boolean }[]) => void) {}
      observe() {
        if (near) queueMicrotask(() => this.callback([{ isIntersecting: true }]));
      }
      disconnect() {}
    },
  );
}

beforeEach(() => screenShows(true));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('catalog page', () => {
  it('shows cards with rating, installs in the UI language, and health; search goes to the API', async () => {
    serve({
      '/api/v1/auth/me': me,
      '/api/v1/apps': { items: [card], total: 1 },
    });
    mount('/', 'pl');
    await screen.findByRole('link', { name: 'Invoice tracker' });
    expect(document.body.textContent).toContain('Instalacje: 12\u00a0345');
    expect(document.body.textContent).toContain('★ 4,5');
    expect(document.body.textContent).toContain('Sprawne: 3');
    fireEvent.change(screen.getByLabelText('Szukaj aplikacji'), { target: { value: 'invoice' } });
    await waitFor(() => expect(requested.some((url) => url.startsWith('/api/v1/apps?') && url.includes('q=invoice'))).toBe(true));
  });

  it('says "no apps yet" while the catalog API has not landed', async () => {
    serve({ '/api/v1/auth/me': me });
    mount('/');
    await screen.findByText('No apps yet');
    expect(screen.getByRole('link', { name: 'Describe a new app' }).getAttribute('href')).toBe('/chat');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('app page', () => {
  it('shows versions with their signing key, the file tree and a file’s source', async () => {
    serve({
      '/api/v1/auth/me': me,
      '/api/v1/apps/a1': { ...card, spec: {}, createdAt: '2026-01-01T00:00:00Z', versions: [version('1.2.0', 'k-7f3a'.padEnd(64, '0')), version('1.1.0', 'k-1111'.padEnd(64, '0'))] },
      '/api/v1/apps/a1/versions/1.2.0': {
        ...version('1.2.0', 'k-7f3a'.padEnd(64, '0')),
        manifest: {},
        validationReport: { ok: true, steps: [{ name: 'build', ok: true, durationMs: 1200 }] },
        scanReport: { verdict: 'clean', scanners: [{ name: 'secrets', verdict: 'clean' }] },
        release: { payloadType: 'application/vnd.marketplace.release+json', payload: '', signatures: [{ keyid: 'k-7f3a-signing', sig: 'x' }] },
      },
      '/api/v1/apps/a1/versions/1.2.0/files': { items: [{ path: 'src/server.ts', size: 20, previewable: true }, { path: 'package.json', size: 10, previewable: true }] },
      '/api/v1/apps/a1/versions/1.2.0/file': { path: 'src/server.ts', size: 20, content: 'const answer = 42;\n' },
      '/api/v1/apps/a1/reviews': { items: [], total: 0 },
      '/api/v1/agents': { items: [] },
    });
    mount('/apps/a1');
    await screen.findByRole('heading', { level: 1, name: 'Invoice tracker' });
    expect(document.body.textContent).toContain('Signed with key k-7f3a');
    expect(document.body.textContent).toContain('Changes in 1.1.0');
    fireEvent.click(await screen.findByRole('button', { name: 'server.ts' }));
    await waitFor(() => expect(document.querySelector('pre.code')?.textContent).toContain('const answer = 42;'));
    expect(requested).toContain('/api/v1/apps/a1/versions/1.2.0/file?path=src%2Fserver.ts');
    expect((await screen.findByTestId('key-id')).textContent).toBe('k-7f3a-signing');
    expect(document.body.textContent).toContain('Security scan: clean');
    await screen.findByText('No reviews yet: be the first.');
    // No enrolled workstation: the page says how to enrol one instead of offering to install.
    expect((await screen.findByTestId('enrol-hint')).textContent).toContain('marketplace-agent enroll');
    expect(screen.getByRole('link', { name: /Download/ }).getAttribute('href')).toBe('/api/v1/apps/a1/versions/1.2.0/bundle');
  });

  it('groups files into folders, folders first', () => {
    const tree = buildTree(['b.txt', 'src/z.ts', 'src/lib/a.ts'].map((path) => ({ path, size: 1, previewable: true })));
    expect([...tree.children.keys()].sort()).toEqual(['b.txt', 'src']);
    expect(tree.children.get('src')!.file).toBe(false);
    expect(tree.children.get('src')!.children.get('lib')!.children.get('a.ts')!.path).toBe('src/lib/a.ts');
  });
});

/** Every catalog string as [key, text], the {{placeholders}} taken out. */
function leaves(value: object, prefix = ''): [string, string][] {
  return Object.entries(value).flatMap(([key, inner]): [string, string][] => (typeof inner === 'object' ? leaves(inner, `${prefix}${key}.`) : [[`${prefix}${key}`, String(inner)]]));
}

/** The English words of the catalog that Polish says differently: none may show on a Polish page. */
function englishLeftIn(text: string): string[] {
  const polish = new Map(leaves(pl));
  const polishText = [...polish.values()].join('\n');
  return leaves(en)
    .filter(([key, english]) => polish.get(key) !== english)
    .flatMap(([key, english]) => english.split(/\{\{[^}]*\}\}/).map((piece) => [key, piece.trim()] as const))
    .filter(([, piece]) => piece.length >= 4 && /\p{L}{3}/u.test(piece) && !polishText.includes(piece))
    .filter(([, piece]) => text.includes(piece))
    .map(([key, piece]) => `${key}: "${piece}"`);
}

describe('the Polish UI', () => {
  const detail = {
    ...card,
    spec: {},
    createdAt: '2026-01-01T00:00:00Z',
    versions: [version('1.2.0', 'k-7f3a'.padEnd(64, '0')), version('1.1.0', 'k-1111'.padEnd(64, '0'))],
  };
  const routes = {
    '/api/v1/auth/me': me,
    '/api/v1/apps': { items: [card, { ...card, id: 'a2', title: 'Leave planner', kind: 'api-service', health: { healthy: 0, unhealthy: 0 } }], total: 2 },
    '/api/v1/apps/a1': detail,
    '/api/v1/apps/a1/versions/1.2.0': {
      ...version('1.2.0', 'k-7f3a'.padEnd(64, '0')),
      manifest: {},
      validationReport: {
        ok: true,
        steps: [
          { name: 'build', ok: true, durationMs: 1200, detail: 'dist/server.mjs, 20480 bytes', notice: { code: 'validation.built', params: { path: 'dist/server.mjs', bytes: 20480 } } },
          { name: 'test', ok: true, durationMs: 1200, detail: '4 passed, 0 failed', notice: { code: 'validation.testsRan', params: { passed: '4', failed: '0' } } },
          ...['start', 'health', 'exercise', 'stop'].map((name) => ({ name, ok: true, durationMs: 1200 })),
        ],
      },
      scanReport: {
        verdict: 'clean',
        scanners: [
          { name: 'clamav', verdict: 'clean', detail: 'clamd found nothing', notice: { code: 'scan.noThreat', params: {} } },
          { name: 'patterns', verdict: 'clean', detail: 'no dangerous patterns in the app’s own code', notice: { code: 'scan.noPatterns', params: {} } },
          { name: 'secrets', verdict: 'clean', detail: 'no secrets found', notice: { code: 'scan.noSecrets', params: {} } },
        ],
      },
      release: { payloadType: 'application/vnd.marketplace.release+json', payload: '', signatures: [{ keyid: 'k-7f3a-signing', sig: 'x' }] },
    },
    '/api/v1/apps/a1/versions/1.2.0/files': { items: [{ path: 'README.md', size: 20, previewable: true }] },
    '/api/v1/apps/a1/versions/1.2.0/file': { path: 'README.md', size: 20, content: 'Read me first.\n\n## Invoices\n\nKeeps **unpaid** invoices.' },
    '/api/v1/apps/a1/reviews': { items: [], total: 0 },
    '/api/v1/agents': { items: [] },
  };

  it('shows no English word of the catalog on the catalog page: kinds, health and counts in Polish', async () => {
    serve(routes);
    mount('/', 'pl');
    await screen.findByRole('link', { name: 'Leave planner' });
    expect(document.body.textContent).toContain('Aplikacja z formularzem');
    expect(document.body.textContent).toContain('Usługa API');
    expect(document.body.textContent).toContain('Jeszcze nigdzie nie działa');
    expect(englishLeftIn(document.body.textContent!)).toEqual([]);
  });

  it('shows no English word of the catalog on an app page: steps, scanners, sizes and the README in Polish', async () => {
    serve(routes);
    mount('/apps/a1', 'pl');
    await screen.findByRole('heading', { level: 1, name: 'Invoice tracker' });
    await screen.findByText('Budowanie');
    // the app's identifier is code, said on hover, not a word of the page
    expect(screen.getByTestId('app-name').tagName).toBe('CODE');
    expect(screen.getByTestId('app-name').getAttribute('title')).toBe('Jej nazwa w poleceniach i w adresie Git');
    // README headings go one level down (## → h3), so the page keeps its own h1 and h2s
    await waitFor(() => expect(document.querySelector('article.markdown h3')?.textContent).toBe('Invoices'));
    expect(document.body.textContent).toContain('Antywirus (ClamAV)');
    // What the server wrote in English (scanner and check details) is worded from its notice code.
    expect(document.body.textContent).toContain('dist/server.mjs, bajtów: 20\u00a0480');
    expect(document.body.textContent).toContain('zaliczone: 4, niezaliczone: 0');
    expect(document.body.textContent).toContain('nie znaleziono sekretów');
    expect(document.body.textContent).not.toContain('clamd found nothing');
    expect(englishLeftIn(document.body.textContent!)).toEqual([]);
  });

  it('loads the code, reports, owners and reviews of an app only when they come near the screen', async () => {
    screenShows(false);
    serve(routes);
    mount('/apps/a1');
    await screen.findByRole('heading', { level: 1, name: 'Invoice tracker' });
    await screen.findByText('v1.1.0');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requested.filter((url) => /\/(files|file|reviews|owners|versions\/[^/]+)(\?|$)/.test(url))).toEqual([]);
    expect(document.querySelector('article.markdown')).toBeNull();
    expect(document.querySelectorAll('[data-testid="when-visible"]').length).toBe(4);
  });

  it('shows a generated API’s endpoints and records from the OpenAPI document it served, in Polish', async () => {
    const openapi = {
      openapi: '3.1.0',
      info: { title: 'Laptops', version: '1.2.0' },
      paths: { '/api/laptops': { get: { summary: 'Lista laptopów' }, post: { summary: 'Dodaj laptop' } }, '/api/laptops/{id}': { delete: { summary: 'Usuń laptop' } } },
      components: { schemas: { Laptop: { type: 'object', required: ['serialNumber'], properties: { serialNumber: { type: 'string', description: 'Numer seryjny' }, ownerEmail: { type: 'string', format: 'email' }, status: { type: 'string', enum: ['in-use', 'spare'] } } } } },
    };
    const version = routes['/api/v1/apps/a1/versions/1.2.0'];
    serve({ ...routes, '/api/v1/apps/a1': { ...detail, kind: 'api-service' }, '/api/v1/apps/a1/versions/1.2.0': { ...version, validationReport: { ...version.validationReport, openapi } } });
    mount('/apps/a1', 'pl');
    const section = await screen.findByTestId('api-description');
    await waitFor(() => expect(section.textContent).toContain('POST /api/laptops'));
    expect(section.textContent).toContain('DELETE /api/laptops/{id}');
    expect(section.textContent).toContain('Usuń laptop');
    expect(section.textContent).toContain('string (email)');
    expect(section.textContent).toContain('in-use | spare');
    expect(section.querySelector('h2')?.textContent).toBe('Opis API (OpenAPI)');
    expect(englishLeftIn(document.body.textContent!)).toEqual([]);
  });

  it('catches an English catalog string on a Polish page (the check itself works)', () => {
    expect(englishLeftIn('Stan: Removed from your workstation.')).toContain('deployments.reasons.SERVER_REMOVE: "Removed from your workstation."');
    expect(englishLeftIn('Usunięto z Twojej stacji roboczej.')).toEqual([]);
  });
});

describe('a card\'s summary line', () => {
  it('is the first sentence, on one line, cut at a word when it is long', () => {
    expect(summaryLine('Tracks unpaid invoices. Sends a reminder every Friday.', 'en')).toBe('Tracks unpaid invoices.');
    expect(summaryLine('Zbiera wnioski\nurlopowe. Wysyła przypomnienie.', 'pl')).toBe('Zbiera wnioski urlopowe.');
    const long = summaryLine(`I need ${'a very long tool that does many things '.repeat(10)}`, 'en');
    expect(long.length).toBeLessThanOrEqual(141);
    expect(long.endsWith('…')).toBe(true);
    expect(long).not.toMatch(/\s…$/);
  });
});
