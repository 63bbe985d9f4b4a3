// @vitest-environment happy-dom
import { createElement, type ReactElement } from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Notice } from '../src/api/types';
import { VersionChangelog } from '../src/app-page/version-changelog';
import { VersionReports } from '../src/app-page/version-reports';
import { BuildProgress } from '../src/chat/build-progress';
import { createI18n } from '../src/i18n/create-i18n';
import { MemoryRouter } from 'react-router';
import { SessionProvider } from '../src/auth/session';
import { ApprovalsPage } from '../src/pages/approvals-page';
import { serverEnglishIn } from './server-english';

/** The routes these parts read, answering as the server does. */
function serve(routes: Record<string, unknown>) {
  vi.stubGlobal('fetch', async (input: string) => {
    const path = input.split('?')[0]!;
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    return path in routes ? json(routes[path]) : json({ status: 404, code: 'ROUTE_NOT_FOUND', detail: path }, 404);
  });
}

function mount(element: ReactElement, language: 'en' | 'pl') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(createElement(I18nextProvider, { i18n: createI18n(language) }, createElement(QueryClientProvider, { client }, element)));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const version = {
  version: '1.0.0',
  publishedAt: '2026-12-06T10:00:00.000Z',
  bundleSha256: 'a'.repeat(64),
  bundleSize: 4096,
  keyId: 'key-1',
  changelog: 'First version. Vacation requests.',
  changelogEntries: [{ code: 'changelog.firstVersion', params: { summary: 'Wnioski urlopowe.' } }],
  validation: { ok: true },
  scan: { verdict: 'clean' },
  release: { signatures: [{ keyid: 'key-1' }] },
  validationReport: {
    ok: true,
    steps: [
      { name: 'start', ok: true, durationMs: 120, detail: 'listening on port 40111', notice: { code: 'validation.listening', params: { port: 40111 } } },
      { name: 'exercise', ok: true, durationMs: 80, detail: 'created vacations/v1 and listed 1 record(s)', notice: { code: 'validation.exercisedApi', params: { collection: 'vacations', id: 'v1', total: 1 } } },
    ],
  },
  scanReport: { verdict: 'clean', scanners: [] },
};

describe('what the server writes, in the Polish UI', () => {
  it('words the trial run of validation on the app page, with no English detail left', async () => {
    serve({ '/api/v1/apps/a1/versions/1.0.0': version });
    mount(createElement(VersionReports, { appId: 'a1', version: '1.0.0' }), 'pl');
    expect(await screen.findByText(/utworzono vacations\/v1, lista zawiera 1 rekord\b/)).toBeTruthy();
    expect(screen.getByText(/nasłuchuje na porcie 40111/)).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/created vacations|listening on port/);
  });

  it('keeps the English detail of a version validated before trial runs had notices', async () => {
    const old = { ...version, validationReport: { ok: true, steps: [{ name: 'exercise', ok: true, durationMs: 80, detail: 'created vacations/v1 and listed 1 record(s)' }] } };
    serve({ '/api/v1/apps/a1/versions/1.0.0': old });
    mount(createElement(VersionReports, { appId: 'a1', version: '1.0.0' }), 'pl');
    expect(await screen.findByText('created vacations/v1 and listed 1 record(s)')).toBeTruthy();
  });

  it('says why a build failed in Polish, the failed check named as the UI names it', async () => {
    const error = { code: 'VALIDATION_FAILED', message: 'The generated app failed validation at "test": 1 passed, 1 failed.', notice: { code: 'failure.validation', params: { step: 'test', detail: '1 passed, 1 failed' } } };
    serve({
      '/api/v1/requests/r1': {
        id: 'r1',
        state: 'failed',
        steps: [
          { name: 'generate', state: 'done', durationMs: 1000, attempts: 1, error: null },
          { name: 'validate', state: 'failed', durationMs: 9000, attempts: 1, error },
        ],
        appId: null,
        version: '1.0.0',
        error: { step: 'validate', ...error },
        deliveries: [],
      },
    });
    mount(createElement(BuildProgress, { requestId: 'r1' }), 'pl');
    const worded = await screen.findAllByText('Wygenerowana aplikacja nie przeszła walidacji na etapie „Testy”: 1 passed, 1 failed');
    expect(worded).toHaveLength(2);
    expect(document.body.textContent).not.toContain('failed validation at');
  });

  it('keeps the English reason of a request that failed before reasons had notices', async () => {
    const error = { code: 'STEP_ERROR', message: 'the bundle is missing' };
    serve({ '/api/v1/requests/r1': { id: 'r1', state: 'failed', steps: [{ name: 'package', state: 'failed', durationMs: 5, attempts: 4, error }], appId: null, version: null, error: { step: 'package', ...error }, deliveries: [] } });
    mount(createElement(BuildProgress, { requestId: 'r1' }), 'pl');
    expect(await screen.findAllByText('the bundle is missing')).toHaveLength(2);
  });

  it('shows a changelog as entries in the reader’s language, kinds and field types included', () => {
    const entries: Notice[] = [
      { code: 'changelog.kind', params: { fromKind: 'form-app', toKind: 'api-service' } },
      { code: 'changelog.fieldTypeChanged', params: { field: 'Dni', fromType: 'string', toType: 'integer' } },
      { code: 'changelog.sourceAdded', params: { source: 'rss', where: 'https://intranet.example/feed' } },
    ];
    mount(createElement(VersionChangelog, { entries, text: 'Changed the kind from “Form” to “API service”; …' }), 'pl');
    const items = screen.getAllByRole('listitem').map((item) => item.textContent);
    expect(items).toEqual(['Zmieniono rodzaj z „Aplikacja z formularzem” na „Usługa API”.', 'Zmieniono typ pola „Dni” z „tekst” na „liczba całkowita”.', 'Dodano źródło: kanał RSS https://intranet.example/feed.']);
  });

  it('shows the signed sentence of a version published before entries, and when an entry’s code is unknown', () => {
    mount(createElement(VersionChangelog, { entries: null, text: 'Added the field “Notes”.' }), 'pl');
    expect(screen.getByTestId('changelog').textContent).toContain('Added the field “Notes”.');
    cleanup();
    mount(createElement(VersionChangelog, { entries: [{ code: 'changelog.somethingNewer', params: {} }], text: 'Something newer.' }), 'pl');
    expect(screen.getByTestId('changelog').textContent).toContain('Something newer.');
  });
});

describe('a deployment’s reason as its agent reports it', () => {
  const reason: { code: string; message: string; notices: Notice[] } = {
    code: 'HEALTH_CHECK_FAILED',
    message: 'notes 1.1.0 did not become healthy: GET /healthz answered 500. 1.0.0 keeps serving.',
    notices: [
      { code: 'deployment.healthCheckFailed', params: { app: 'notes', version: '1.1.0' } },
      { code: 'health.answered', params: { path: '/healthz', status: 500 } },
      { code: 'deployment.keepsServing', params: { version: '1.0.0' } },
    ],
  };

  it('is worded from its notices in Polish, and falls back to the English sentence for a notice this UI does not know', async () => {
    const { reasonText } = await import('../src/components/notice-text');
    expect(reasonText(createI18n('pl'), reason)).toBe('notes 1.1.0 nie zaczęła działać poprawnie: GET /healthz odpowiada kodem 500. Nadal działa wersja 1.0.0.');
    expect(reasonText(createI18n('en'), reason)).toBe('notes 1.1.0 did not become healthy: GET /healthz answered 500. 1.0.0 keeps serving.');
    const newer = { ...reason, notices: [...reason.notices, { code: 'deployment.somethingNewer', params: {} }] };
    expect(reasonText(createI18n('pl'), newer)).toBe('Aplikacja nie przeszła kontroli stanu.');
    expect(reasonText(createI18n('pl'), { code: 'SOMETHING_ELSE', message: 'An English sentence.' })).toBe('An English sentence.');
  });
});

describe('a Redeploy whose fresh copy failed, as the agent reports it', () => {
  const reason: { code: string; message: string; notices: Notice[] } = {
    code: 'REINSTALL_FAILED',
    message: 'notes 1.0.0 installed again did not become healthy: GET /healthz answered 500. The copy installed before keeps serving.',
    notices: [
      { code: 'deployment.reinstallHealthFailed', params: { app: 'notes', version: '1.0.0' } },
      { code: 'health.answered', params: { path: '/healthz', status: 500 } },
      { code: 'deployment.previousCopyServes', params: {} },
    ],
  };

  it('says the version installed again failed and the copy before serves, in both languages, never that it was rolled back', async () => {
    const { reasonText } = await import('../src/components/notice-text');
    expect(reasonText(createI18n('en'), reason)).toBe(reason.message);
    expect(reasonText(createI18n('pl'), reason)).toBe('notes 1.0.0 zainstalowana ponownie nie zaczęła działać poprawnie: GET /healthz odpowiada kodem 500. Nadal działa kopia zainstalowana wcześniej.');
    const interrupted: { code: string; message: string; notices: Notice[] } = { code: 'REINSTALL_FAILED', message: '', notices: [{ code: 'deployment.reinstallInterrupted', params: { app: 'notes', version: '1.0.0' } }, { code: 'deployment.previousCopyServes', params: {} }] };
    expect(reasonText(createI18n('pl'), interrupted)).toBe('Ponowna instalacja notes 1.0.0 została przerwana, gdy agent się zatrzymał. Nadal działa kopia zainstalowana wcześniej.');
    const down = { ...reason, notices: [reason.notices[0]!, reason.notices[1]!, { code: 'deployment.previousCopyDown', params: {} }, { code: 'health.timedOut', params: { seconds: 4, last: 'GET /healthz answered 500' } }] };
    expect(reasonText(createI18n('en'), down)).toMatch(/^notes 1\.0\.0 installed again did not become healthy: GET \/healthz answered 500\. The copy installed before was started again and does not answer either: not healthy within 4 s/);
    // an agent's notice this UI does not know: the code's own sentence
    expect(reasonText(createI18n('pl'), { ...reason, notices: [{ code: 'deployment.somethingNewer', params: {} }] })).toBe('Ponowna instalacja tej wersji się nie udała; przywrócono kopię zainstalowaną wcześniej.');
  });
});

describe('reasons the server gives in its own words, in the Polish UI', () => {
  it('words each reason a deployment or a command is in its state, none left in the server’s English', async () => {
    const { reasonText } = await import('../src/components/notice-text');
    // as the server writes them (deployments/reconcile-inventory.ts, agent-commands.ts): a code and the English sentence
    const reasons = [
      { code: 'APP_NOT_RUNNING', message: 'The agent no longer lists this version among the apps it runs; deploy it again if it should be there.' },
      { code: 'APP_STOPPED', message: 'The agent reports this app as stopped; Redeploy starts it again, and its log is on the workstation (marketplace-agent logs <app>).' },
      { code: 'COMMAND_UNANSWERED', message: 'The agent did not confirm this command after 5 deliveries; check that the agent runs (marketplace-agent doctor), then ask again.' },
    ];
    const worded = reasons.map((reason) => reasonText(createI18n('pl'), reason));
    expect(worded).toEqual(['Ta wersja nie działa już na stacji roboczej; zainstaluj ją ponownie, jeśli powinna tam być.', 'Stacja robocza zgłasza, że aplikacja jest zatrzymana: „Wdróż ponownie” uruchomi ją znowu, a jej dziennik jest na stacji (marketplace-agent logs <aplikacja>).', 'Stacja robocza nie odpowiedziała na polecenie.']);
    expect(serverEnglishIn(worded.join('\n'), reasons)).toEqual([]);
  });

  it('says why an approval waits in Polish, and keeps the English sentence of an approval older than notices', async () => {
    const reviewer = { user: { id: 'u1', email: 'r@acme.test', name: 'Rita', roles: ['reviewer'], status: 'active', createdAt: '', lastLoginAt: null }, organization: { id: 'o', name: 'Acme', slug: 'acme', createdAt: '' }, roles: ['reviewer'], via: 'cookie' };
    const approval = (id: string, reasons: object[]) => ({ id, kind: 'publish', state: 'waiting', app: 'laptops', version: '1.0.0', requestId: 'r1', requestedBy: 'u2', reasons, hosts: ['api.example.com'], subject: {}, spec: null, scanReport: null, decidedBy: null, decidedAt: null, note: null, createdAt: '2026-12-06T10:00:00.000Z' });
    const answer = {
      items: [
        approval('a1', [
          { code: 'HOSTS_OUTSIDE_ALLOW_LIST', message: 'The app reaches hosts outside the allow-list: api.example.com.', notice: { code: 'approval.hostsOutside', params: { hosts: 'api.example.com' } } },
          { code: 'MCP_TOOLS_OUTSIDE_POLICY', message: 'The app calls MCP tools that the policy does not let apps use: jira/create_issue (output). Their calls are refused until an admin adds them.', notice: { code: 'approval.mcpToolsOutside', params: { tools: 'jira/create_issue (output)' } } },
        ]),
        approval('a2', [{ code: 'POLICY_DISTRIBUTE_TO_OTHERS', message: 'The organisation reviews releases sent to other people’s workstations (this one: 3 agents of other people).', notice: { code: 'approval.distributeToOthers', params: { count: 3 } } }]),
      ],
    };
    serve({ '/api/v1/auth/me': reviewer, '/api/v1/approvals': answer });
    document.cookie = 'mp_signed_in=1; path=/';
    mount(createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(ApprovalsPage))), 'pl');
    expect(await screen.findByText('Aplikacja łączy się z hostami spoza listy dozwolonych: api.example.com.')).toBeTruthy();
    expect(document.body.textContent).toContain('Aplikacja wywołuje narzędzia MCP, których polityka nie pozwala używać aplikacjom: jira/create_issue (output).');
    expect(document.body.textContent).toContain('(tu: 3 agenty innych osób)');
    expect(serverEnglishIn(document.body.textContent!, answer)).toEqual([]);
    cleanup();
    const older = { items: [approval('a3', [{ code: 'POLICY_ALL_APPS', message: 'The organisation reviews every app before it is published.' }])] };
    serve({ '/api/v1/auth/me': reviewer, '/api/v1/approvals': older });
    mount(createElement(MemoryRouter, null, createElement(SessionProvider, null, createElement(ApprovalsPage))), 'pl');
    expect(await screen.findByText('The organisation reviews every app before it is published.')).toBeTruthy();
    document.cookie = 'mp_signed_in=; path=/; max-age=0';
  });

  it('catches a server sentence left on a page, at any depth of the answer (the check itself works)', () => {
    const answer = { items: [{ reasons: [{ code: 'X', message: 'An English sentence here.' }], error: { message: 'Another one, nested.' } }] };
    expect(serverEnglishIn('Powód: An English sentence here. Inny: Another one, nested.', answer)).toEqual(['An English sentence here.', 'Another one, nested.']);
    expect(serverEnglishIn('Wszystko po polsku.', answer)).toEqual([]);
  });
});

