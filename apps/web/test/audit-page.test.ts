// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditPage } from '../src/pages/admin/audit-page';
import { mountAdminPage, serveAdminApi } from './admin-page-harness';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const entry = (seq: number, action: string) => ({
  id: `e${seq}`, seq, at: '2026-12-07T05:00:00.000Z', action, actorType: 'user', actorId: 'u1', actorName: 'Ola Nowak', actorEmail: 'ola@acme.example',
  targetType: 'deployment', targetId: '694a1a68-0000-4000-8000-000000000000', result: 'success', statusCode: 200, ip: null, requestId: null, details: {}, hash: 'h',
});

describe('Admin → Audit log', () => {
  it('says each action in the page’s language, its code kept in the row’s details', async () => {
    serveAdminApi((_method, url) => (url.startsWith('/api/v1/audit') ? [200, { items: [entry(2, 'deployment.rollback'), entry(1, 'gmail.connect.start')], total: 2 }] : [404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: url }]));
    mountAdminPage(AuditPage, 'pl');
    const summaries = async () => [...(await screen.findAllByRole('group')).values()].map((details) => details.querySelector('summary')?.textContent);
    await screen.findByText('wycofano wersję');
    expect((await summaries()).filter(Boolean)).toEqual(['wycofano wersję', 'rozpoczęto łączenie z Gmailem']);
    expect(document.querySelector('details pre')?.textContent).toContain('"action": "deployment.rollback"');
  });
});
