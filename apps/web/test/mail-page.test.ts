// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MailPage } from '../src/pages/admin/mail-page';
import { mountAdminPage, serveAdminApi } from './admin-page-harness';
import { serverEnglishIn } from './server-english';

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

/** The API of Admin → Incoming mail answering these analyses (no backlog, empty rules). */
const serveAnalyses = (items: unknown[]) =>
  serveAdminApi((_method, url) => {
    if (url.startsWith('/api/v1/mail-analyses')) return [200, { items }];
    if (url.startsWith('/api/v1/mail-backlog')) return [200, { waiting: 0, processing: 0, quarantined: 0, oldestSeconds: 0 }];
    if (url.startsWith('/api/v1/mail-rules')) return [200, { version: 0, isDefault: true, rules: [] }];
    return [404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: url }];
  });

describe('Admin → Incoming mail', () => {
  it('says each mail’s class and where it went in Polish', async () => {
    serveAnalyses([analysis('m1', 'bug-report', 'inbox'), analysis('m2', 'app-request', 'conversation')]);
    mountAdminPage(MailPage, 'pl');
    const first = await screen.findByText(/Mail m1/);
    expect(first.textContent).toContain('→ do skrzynki aplikacji');
    expect(first.querySelector('strong')?.textContent).toBe('zgłoszenie błędu');
    expect(screen.getByText(/Mail m2/).textContent).toContain('→ do silnika rozmów');
    expect(document.body.textContent).not.toMatch(/bug-report|app-request|→ inbox|→ conversation/);
  });

  it('words each stage’s reason in Polish from its notices, and shows an older record’s English reason as it is', async () => {
    const worded = {
      ...analysis('m3', 'bug-report', 'inbox'),
      stages: {
        sender: { result: 'proven', reason: 'DMARC-aligned DKIM pass (MAIL_VERIFY_AUTH)', notices: [{ code: 'mailStage.senderDkim', params: {} }], ms: 0, engine: 'trust-rules' },
        spam: {
          result: 'clean',
          reason: 'built-in rules (RSPAMD_URL not set); no spam rule matched',
          notices: [{ code: 'mailStage.spamBuiltinOnly', params: {} }, { code: 'mailStage.spamNoRule', params: {} }],
          ms: 1,
          engine: 'builtin',
        },
        classification: { result: 'bug-report', reason: 'describes a fault (crash, not-working) in a named app', notices: [{ code: 'mailStage.classBugNamedApp', params: { cues: 'crash, not-working' } }], ms: 1, engine: 'builtin' },
        app: {
          result: 'room-booking',
          reason: 'reply thread: the release mail it answers; the sender runs 1.2.0',
          notices: [{ code: 'mailStage.appByThread', params: { thread: 'release' } }, { code: 'mailStage.appSenderRuns', params: { version: '1.2.0' } }],
          ms: 2,
          engine: 'builtin',
          data: { appId: 'a1', senderVersion: '1.2.0' },
        },
        route: { result: 'inbox', reason: 'rule “bug reports go to the app owners”', notices: [{ code: 'mailStage.routeRule', params: { rule: 'bug reports go to the app owners' } }], ms: 0, engine: 'rules' },
      },
    };
    const body = { items: [worded, analysis('m4', 'bug-report', 'inbox')] };
    serveAnalyses(body.items);
    mountAdminPage(MailPage, 'pl');
    await screen.findByText(/Mail m3/);
    const rows = (name: string) => [...document.querySelectorAll('tr')].filter((row) => row.querySelector('th')?.textContent === name).map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent));
    expect(rows('Dowód nadawcy')).toEqual([['potwierdzony', 'podpis DKIM zgodny z DMARC (MAIL_VERIFY_AUTH)', 'reguły zaufania', '0']]);
    expect(rows('Spam')[0]!.slice(0, 2)).toEqual(['czysta', 'wbudowane reguły (RSPAMD_URL nie jest ustawiony); żadna reguła antyspamowa nie pasuje']);
    expect(rows('Klasa')[0]![1]).toBe('opisuje usterkę (awaria, nie działa) w wymienionej aplikacji');
    expect(rows('Aplikacja')[0]!.slice(0, 2)).toEqual(['room-booking', 'wątek odpowiedzi: mail z wydaniem, na który odpowiada; nadawca ma wersję 1.2.0']);
    expect(rows('Trasa')[0]![1]).toBe('reguła „bug reports go to the app owners”');
    // the record stored before notices keeps its English reason (it has no code to word)
    expect(rows('Klasa')[1]![1]).toBe('describes a fault (crash)');
    expect(serverEnglishIn(document.body.textContent ?? '', { items: [{ stages: Object.values(worded.stages).map((stage) => ({ message: stage.reason })) }] })).toEqual([]);
  });

  it('words what the trust rules decided (an unknown sender answered, a sender asked to confirm) in Polish, not as codes', async () => {
    const stranger = {
      ...analysis('m5', 'other', 'unknown-sender:replied'),
      ruleVersion: 0,
      stages: {
        sender: { result: 'unknown-sender', reason: 'no active account has this From address', notices: [{ code: 'mailStage.senderUnknown', params: {} }], ms: 180.83, engine: 'trust-rules' },
        route: {
          result: 'unknown-sender:replied',
          reason: 'the trust rules decided (unknown-sender:replied); the rules would say conversation',
          notices: [{ code: 'mailStage.routeByTrust', params: { route: 'unknown-sender:replied', ruleRoute: 'conversation' } }],
          ms: 0,
          engine: 'trust-rules',
        },
      },
    };
    serveAnalyses([stranger, analysis('m6', 'other', 'refused:unproven-sender:asked')]);
    mountAdminPage(MailPage, 'pl');
    const first = await screen.findByText(/Mail m5/);
    expect(first.textContent).toContain('→ nieprzeczytana: nieznany nadawca, dostał mail, jak uzyskać konto');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Reguły kierowania (wbudowane)');
    expect(screen.getByText(/Mail m6/).textContent).toContain('→ czeka: nadawcę poproszono o potwierdzenie odpowiedzią');
    const route = [...document.querySelectorAll('tr')].find((row) => row.querySelector('th')?.textContent === 'Trasa')!;
    expect([...route.querySelectorAll('td')].slice(0, 2).map((cell) => cell.textContent)).toEqual([
      'nieprzeczytana: nieznany nadawca, dostał mail, jak uzyskać konto',
      'zdecydowały reguły zaufania (nieprzeczytana: nieznany nadawca, dostał mail, jak uzyskać konto); reguły skrzynki wskazałyby: do silnika rozmów',
    ]);
    expect(document.body.textContent).not.toMatch(/unknown-sender|refused:|:replied/);
    // a time in the page's number format; mail the built-in rules routed says so (no "version 0"); the table scrolls on its own on a phone
    const sender = [...document.querySelectorAll('tr')].find((row) => row.querySelector('th')?.textContent === 'Dowód nadawcy')!;
    expect(sender.lastElementChild!.textContent).toBe('180,83');
    expect(first.closest('details')!.textContent).toContain('Skierowano wbudowanymi regułami');
    expect(document.body.textContent).not.toMatch(/wersji 0|wersja 0/);
    expect(route.closest('.table-wrap')?.getAttribute('aria-label')).toBe('Etapy wiadomości „Mail m5”');
  });
});
