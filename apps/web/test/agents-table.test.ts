// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentsPage } from '../src/pages/admin/agents-page';
import { mountAdminPage, serveAdminApi } from './admin-page-harness';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const agent = {
  id: 'ag1', name: 'Laptop Oli', hostname: 'oli-laptop', os: 'linux 6.8', mailbox: 'agent-1@hub.test', userId: 'u2', ownerName: 'Ola Nowak', ownerEmail: 'ola@acme.example',
  version: '0.1.0', runtimes: ['process', 'container'], lastSeenAt: '2026-12-07T05:00:00.000Z', revokedAt: null, stale: false, createdAt: '2026-12-01T10:00:00.000Z', apps: [],
};

describe('Admin → Agents', () => {
  it('names a workstation’s runtimes in the page’s language, not by their identifiers', async () => {
    serveAdminApi((_method, url) => (url.startsWith('/api/v1/agents') ? [200, { items: [agent], total: 1 }] : url.startsWith('/api/v1/users') ? [200, { items: [], total: 0 }] : [404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: url }]));
    mountAdminPage(AgentsPage, 'pl');
    const row = (await screen.findAllByText('Laptop Oli')).map((cell) => cell.closest('tr')).find(Boolean)!;
    expect(row.textContent).toContain('procesy (Node.js), kontenery');
    expect(row.textContent).toContain('Ola Nowak');
    expect(row.textContent).not.toMatch(/\bprocess\b|\bcontainer\b/);
  });

  it('puts the enrolment code where the empty table’s hint says: below it', async () => {
    serveAdminApi((_method, url) => (url.startsWith('/api/v1/agents') ? [200, { items: [], total: 0 }] : url.startsWith('/api/v1/users') ? [200, { items: [], total: 0 }] : [404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: url }]));
    mountAdminPage(AgentsPage, 'pl');
    const hint = await screen.findByText(/Utwórz poniżej kod rejestracji/);
    const enrol = screen.getByRole('button', { name: 'Utwórz kod rejestracji' });
    expect(hint.compareDocumentPosition(enrol) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});
