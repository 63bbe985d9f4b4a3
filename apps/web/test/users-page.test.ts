// @vitest-environment happy-dom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsersPage } from '../src/pages/admin/users-page';
import { mountAdminPage, serveAdminApi } from './admin-page-harness';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const person = (id: string, name: string, roles: string[]) => ({ id, name, email: `${id}@acme.example`, roles, status: 'active', createdAt: '2026-12-01T10:00:00.000Z', lastLoginAt: null });
const rowOf = (name: string) => screen.getAllByText(name, { exact: false }).map((cell) => cell.closest('tr')).find(Boolean)!;

describe('Admin → Users', () => {
  it('offers no Disable and no admin-role removal for the only active admin (the server refuses both), but does for everyone else', async () => {
    serveAdminApi((_method, url) => (url.startsWith('/api/v1/users') ? [200, { items: [person('u1', 'Ola Nowak', ['admin']), person('u2', 'Jan Kowalski', ['member', 'publisher'])], total: 2 }] : [404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: url }]));
    mountAdminPage(UsersPage, 'pl');
    await screen.findAllByText('Jan Kowalski', { exact: false });
    const ola = rowOf('Ola Nowak');
    expect(within(ola).queryByRole('button', { name: /Zablokuj/ })).toBeNull();
    expect(ola.textContent).toContain('Jedyny aktywny administrator');
    expect((within(ola).getByRole('checkbox', { name: 'Administrator' }) as HTMLInputElement).disabled).toBe(true);
    const jan = rowOf('Jan Kowalski');
    expect(within(jan).getByRole('button', { name: /Zablokuj/ })).toBeTruthy();
    // a user keeps at least one role: the last one cannot be unticked; the others can
    expect((within(jan).getByRole('checkbox', { name: 'Wydawca' }) as HTMLInputElement).disabled).toBe(false);
    expect((within(ola).getByRole('checkbox', { name: 'Członek' }) as HTMLInputElement).disabled).toBe(false);
  });
});
