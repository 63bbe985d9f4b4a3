// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigPage } from '../src/pages/admin/config-page';
import { mountAdminPage, seen, serveAdminApi } from './admin-page-harness';

const settings = { requests: { requireApproval: false, maxConcurrent: 4 }, inbox: { reporterChanges: 'off' } };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Settings page: what a reporter’s CHANGE: reply does', () => {
  it('shows inbox.reporterChanges as a choice and saves the one picked', async () => {
    serveAdminApi((method, _url, body) => [200, { settings: method === 'PUT' ? body.settings : settings }]);
    mountAdminPage(ConfigPage);
    const choice = (await screen.findByLabelText(/A reporter’s CHANGE: reply to their report/)) as HTMLSelectElement;
    expect(screen.getByText('Inbox')).toBeTruthy();
    expect([...choice.options].map((o) => o.value)).toEqual(['off', 'with-owner-approval', 'allowed']);
    expect(choice.value).toBe('off');
    expect([...choice.options].map((o) => o.textContent)).toEqual(['Passed to the owners as a suggestion', 'Built after an owner approves', 'Built through the usual approvals']);
    fireEvent.change(choice, { target: { value: 'with-owner-approval' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(seen.find((call) => call.method === 'PUT')?.body.settings.inbox).toEqual({ reporterChanges: 'with-owner-approval' }));
  });

  it('labels it in Polish', async () => {
    serveAdminApi(() => [200, { settings }]);
    mountAdminPage(ConfigPage, 'pl');
    expect(await screen.findByLabelText(/Odpowiedź zgłaszającego z ZMIANA:/)).toBeTruthy();
    expect(screen.getByText('Skrzynka zgłoszeń')).toBeTruthy();
  });

  it('words the choices of mail and inbox settings in Polish, none shown by its value', async () => {
    serveAdminApi(() => [200, { settings: { ...settings, mail: { unknownSenders: 'reply-once', language: 'en' } } }]);
    mountAdminPage(ConfigPage, 'pl');
    const options = (label: RegExp) => screen.findByLabelText(label).then((select) => [...(select as HTMLSelectElement).options].map((o) => o.textContent));
    expect(await options(/Poczta od nieznanych nadawców/)).toEqual(['Odpowiedz raz na dobę, jak uzyskać konto', 'Nie odpowiadaj']);
    expect(await options(/Język poczty wychodzącej/)).toEqual(['angielski', 'polski']);
    expect(await options(/Odpowiedź zgłaszającego z ZMIANA:/)).toEqual(['Przekazana właścicielom jako sugestia', 'Budowana po zgodzie właściciela', 'Budowana przez zwykłe zatwierdzenia']);
    expect(document.body.textContent).not.toMatch(/reply-once|with-owner-approval|\b(off|allowed|ignore)\b/);
  });

  it('labels every distribution setting the server sends in Polish, none by its bare name', async () => {
    const distribution = { maxAttachmentBytes: 1024, downloadLinkTtlHours: 72, deliverToRequester: true, updateInstalls: true };
    serveAdminApi(() => [200, { settings: { ...settings, distribution } }]);
    mountAdminPage(ConfigPage, 'pl');
    expect(await screen.findByLabelText('Instaluj każdą nową wersję na agentach, na których działa wcześniejsza')).toBeTruthy();
    expect(Object.keys(distribution).filter((name) => document.body.textContent!.includes(name))).toEqual([]);
  });
});
