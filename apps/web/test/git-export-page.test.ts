// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GitExportPage } from '../src/pages/admin/git-export-page';
import { mountAdminPage, seen, serveAdminApi } from './admin-page-harness';

const nothing = { remote: null, gitlab: null, jira: null };
const failedPush = { appId: 'a1', appName: 'laptops', appTitle: 'Laptops', remoteUrl: 'https://git.example.com/tools/laptops.git', lastPushedVersion: '1.1.0', lastPushedAt: '2026-02-01T10:00:00Z', errorCode: 'GIT_PUSH_REJECTED', error: 'The remote refused main (fetch first)', lastAttemptAt: '2026-02-02T10:00:00Z', gitlabWebUrl: null };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Git export admin page', () => {
  it('saves the remote with its token, then shows only that a secret is stored', async () => {
    let settings: unknown = nothing;
    serveAdminApi((method, url, body) => {
      if (url === '/api/v1/git/integrations' && method === 'PUT') {
        settings = { ...nothing, remote: { urlTemplate: body.remote.urlTemplate, auth: body.remote.auth, username: body.remote.username, hasSecret: true, knownHosts: null } };
        return [200, settings];
      }
      if (url === '/api/v1/git/integrations') return [200, settings];
      return [200, { items: [] }];
    });
    mountAdminPage(GitExportPage);
    const form = await screen.findByRole('form', { name: 'Git remote' });
    fireEvent.change(within(form).getByLabelText(/Remote URL per app/), { target: { value: 'https://git.example.com/tools/{app}.git' } });
    fireEvent.change(within(form).getByLabelText(/User name/), { target: { value: 'oauth2' } });
    fireEvent.change(within(form).getByLabelText(/Token/), { target: { value: 'glpat-secret' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('Saved.')).toBeTruthy();
    expect(seen.find((call) => call.method === 'PUT')?.body).toEqual({ remote: { urlTemplate: 'https://git.example.com/tools/{app}.git', auth: 'https-token', username: 'oauth2', token: 'glpat-secret' } });
    expect(within(form).getByText('A secret is stored; leave empty to keep it.')).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Remove' })).toBeTruthy();
  });

  it('lists each app’s last push with its error and pushes again on request, in Polish too', async () => {
    serveAdminApi((method, url) => {
      if (url === '/api/v1/apps/a1/git-push') return [200, { state: 'pushed', jiraIssues: [], push: { ...failedPush, errorCode: null, error: null } }];
      if (url === '/api/v1/git/pushes') return [200, { items: [failedPush] }];
      return [200, nothing];
    });
    mountAdminPage(GitExportPage, 'pl');
    // the reason in Polish by its code; git's own words kept under "Co odpowiedział git"
    expect(await screen.findByText(/zdalne repozytorium ma historię, której ten serwer nie zapisał/)).toBeTruthy();
    expect(screen.getByText('The remote refused main (fetch first)').closest('details')?.querySelector('summary')?.textContent).toBe('Co odpowiedział git');
    expect(screen.getByText('Ostatni błąd')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Wypchnij teraz/ }));
    await vi.waitFor(() => expect(seen.some((call) => call.method === 'POST' && call.url === '/api/v1/apps/a1/git-push')).toBe(true));
  });
});
