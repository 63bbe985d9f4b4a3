// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditPage } from '../src/pages/admin/audit-page';
import { mountAdminPage, seen, serveAdminApi } from './admin-page-harness';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const entry = (seq: number, action: string) => ({
  id: `e${seq}`, seq, at: '2026-12-07T05:00:00.000Z', action, actorType: 'user', actorId: 'u1', actorName: 'Ola Nowak', actorEmail: 'ola@acme.example',
  targetType: 'deployment', targetId: '694a1a68-0000-4000-8000-000000000000', targetName: 'Wnioski urlopowe', targetNote: 'olas-desktop', result: 'success', statusCode: 200, ip: null, requestId: null, details: {}, hash: 'h',
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

  it('names the target as people call it, its id and workstation on hover, and filters by the worded action', async () => {
    const agentToken = { ...entry(3, 'agent.token'), actorType: 'agent', actorId: 'c1', actorName: 'olas-desktop', targetType: null, targetId: null, targetName: null, targetNote: null };
    const cli = { ...entry(5, 'admin.create'), actorType: 'system', actorId: 'cli', actorName: null, actorEmail: null, targetType: 'user', targetName: 'Ola Nowak', targetNote: 'ola@acme.example' };
    const unnamed = { ...entry(4, 'deployment.remove'), targetName: null, targetNote: null, targetId: 'aaaabbbb-0000-4000-8000-000000000000' };
    serveAdminApi((_method, url) => (url.startsWith('/api/v1/audit') ? [200, { items: [cli, unnamed, agentToken, entry(2, 'deployment.rollback')], total: 4 }] : [404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: url }]));
    mountAdminPage(AuditPage, 'pl');
    const target = await screen.findByText('Wnioski urlopowe');
    expect(target.getAttribute('title')).toBe('olas-desktop · 694a1a68-0000-4000-8000-000000000000');
    expect(target.parentElement?.textContent).toBe('wdrożenie Wnioski urlopowe');
    // a target whose name is not known keeps its short id, the whole id on hover
    expect(screen.getByTitle('aaaabbbb-0000-4000-8000-000000000000').textContent).toBe('aaaabbbb');
    expect(screen.getByText('olas-desktop').parentElement?.textContent).toContain('stacja robocza olas-desktop');
    // the first admin, made on the command line: said in words, no `cli` id to show
    expect(screen.getAllByRole('row')[1]?.textContent).toContain('wiersz poleceń');
    expect(screen.queryByText('cli')).toBeNull();

    const filter = screen.getByLabelText('Akcja') as HTMLSelectElement;
    const options = [...filter.options].map((option) => option.textContent ?? '');
    expect(options[0]).toBe('Dowolna akcja');
    expect(options).toContain('Wycofano wersję');
    // in the language's alphabetical order, and no option is a code
    expect(options.slice(1)).toEqual([...options.slice(1)].sort((a, b) => a.localeCompare(b, 'pl')));
    expect(options.filter((option) => /^[a-z_]+(?:[.:][a-z_-]+)+$/.test(option))).toEqual([]);
    fireEvent.change(filter, { target: { value: 'deployment.rollback' } });
    await waitFor(() => expect(seen.some((request) => request.url.includes('action=deployment.rollback'))).toBe(true));
  });
});
