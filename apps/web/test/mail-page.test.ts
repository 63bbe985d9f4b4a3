// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MailPage } from '../src/pages/admin/mail-page';
import { mountAdminPage, serveAdminApi } from './admin-page-harness';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const analysis = (id: string, classification: string, route: string) => ({
  id,
  createdAt: '2026-12-06T10:00:00.000Z',
  sender: 'jan@acme.example',
  subject: `Mail ${id}`,
  spam: false,
  classification,
  route,
  ruleVersion: 1,
  stages: { classification: { result: classification, reason: 'describes a fault (crash)', ms: 1, engine: 'builtin' } },
});

describe('Admin → Incoming mail', () => {
  it('says each mail’s class and where it went in Polish', async () => {
    serveAdminApi((_method, url) => {
      if (url.startsWith('/api/v1/mail-analyses')) return [200, { items: [analysis('m1', 'bug-report', 'inbox'), analysis('m2', 'app-request', 'conversation')] }];
      if (url.startsWith('/api/v1/mail-backlog')) return [200, { waiting: 0, processing: 0, quarantined: 0, oldestSeconds: 0 }];
      if (url.startsWith('/api/v1/mail-rules')) return [200, { version: 1, rules: [] }];
      return [404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: url }];
    });
    mountAdminPage(MailPage, 'pl');
    const first = await screen.findByText(/Mail m1/);
    expect(first.textContent).toContain('→ do skrzynki aplikacji');
    expect(first.querySelector('strong')?.textContent).toBe('zgłoszenie błędu');
    expect(screen.getByText(/Mail m2/).textContent).toContain('→ do silnika rozmów');
    expect(document.body.textContent).not.toMatch(/bug-report|app-request|→ inbox|→ conversation/);
  });
});
