// @vitest-environment happy-dom
import { createElement } from 'react';
import { act, cleanup, render, screen } from '@testing-library/react';
import { useTranslation, I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { pl } from '../src/i18n/pl';
import { createI18n } from '../src/i18n/create-i18n';
import { detectLanguage, formatDate, formatNumber, loadI18n, moreWords, switchLanguage } from '../src/i18n/i18n';
import { noticeText } from '../src/components/notice-text';

/** i18next's plural suffixes (English writes `_one` beside the key it uses for other counts). */
const PLURAL_FORM = /_(zero|one|two|few|many|other)$/;

function keys(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, inner]) => (typeof inner === 'object' ? keys(inner, `${prefix}${key}.`) : [`${prefix}${key}`]));
}

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('i18n', () => {
  it('has the same keys in English and Polish, none left empty', () => {
    // a plural form (`sent_one`) stands beside its key (`sent`), which every language has
    const plain = (catalog: object) => [...new Set(keys(catalog).map((key) => key.replace(PLURAL_FORM, '')))].sort();
    expect(plain(pl)).toEqual(plain(en));
    for (const catalog of [en, pl]) expect(keys(catalog).filter((key) => PLURAL_FORM.test(key) && !keys(catalog).includes(key.replace(PLURAL_FORM, '')))).toEqual([]);
    expect(keys(pl).filter((key) => !key.split('.').reduce<any>((o, k) => o[k], pl))).toEqual([]);
  });

  it('says one of a thing in the singular in English, with no “(s)” left, and counts after a colon in Polish', () => {
    // the UI's own words (the server's notices, shared with its mails, count with parameters of their own names)
    expect(keys(en).filter((key) => !key.startsWith('notices.') && /\w\(s\)/.test(key.split('.').reduce<any>((o, k) => o[k], en)))).toEqual([]);
    const english = createI18n('en');
    expect(english.t('appPage.sent', { count: 1 })).toBe('Release e-mail queued for 1 workstation.');
    expect(english.t('appPage.sent', { count: 2 })).toBe('Release e-mail queued for 2 workstations.');
    expect(english.t('appPage.alreadySent', { count: 1 })).toMatch(/^Already delivered to 1 workstation and still there/);
    expect(english.t('appPage.groupOption', { name: 'IT', count: 1 })).toBe('IT (1 person)');
    expect(english.t('admin.chainIntact', { count: 1 })).toBe('Chain intact: 1 entry checked.');
    const polish = createI18n('pl');
    expect(polish.t('appPage.sent', { count: 1 })).toBe('Wiadomość z wydaniem w kolejce dla stacji: 1.');
    expect(polish.t('appPage.sent', { count: 5 })).toBe('Wiadomość z wydaniem w kolejce dla stacji: 5.');
  });

  it('picks the saved language, else the first browser language it speaks, else English', () => {
    expect(detectLanguage(null, ['pl-PL', 'en-US'])).toBe('pl');
    expect(detectLanguage(null, ['de-DE', 'en-GB'])).toBe('en');
    expect(detectLanguage(null, ['de-DE'])).toBe('en');
    expect(detectLanguage('en', ['pl-PL'])).toBe('en');
    expect(detectLanguage('xx', ['pl'])).toBe('pl');
    // storage cleared, the cookie the server chose this page by still there: the page's language, not the browser's
    expect(detectLanguage(null, ['en-US'], 'pl')).toBe('pl');
    expect(detectLanguage('en', ['en-US'], 'pl')).toBe('en');
    expect(detectLanguage(null, ['pl-PL'], 'xx')).toBe('pl');
  });

  it('starts in the language the server chose the page by when the browser storage was cleared', async () => {
    localStorage.clear();
    document.cookie = 'mp_language=pl; path=/';
    try {
      const i18n = await loadI18n();
      expect(i18n.language).toBe('pl');
    } finally {
      document.cookie = 'mp_language=; path=/; max-age=0';
    }
  });

  it('switches the rendered text and <html lang>, and remembers the choice', async () => {
    const i18n = createI18n('en');
    const Heading = () => createElement('h1', null, useTranslation().t('catalog.empty'));
    render(createElement(I18nextProvider, { i18n }, createElement(Heading)));
    expect(screen.getByRole('heading').textContent).toBe('No apps yet');
    await act(() => switchLanguage(i18n, 'pl'));
    expect(screen.getByRole('heading').textContent).toBe('Nie ma jeszcze aplikacji');
    expect(document.documentElement.lang).toBe('pl');
    expect(detectLanguage(localStorage.getItem('marketplace.language'), ['en-US'])).toBe('pl');
  });

  it('formats numbers inside messages and dates per locale', () => {
    const i18n = createI18n('pl');
    expect(i18n.t('catalog.installs', { count: 12345 })).toBe('Instalacje: 12\u00a0345');
    expect(createI18n('en').t('catalog.installs', { count: 12345 })).toBe('Installs: 12,345');
    expect(formatNumber(1234.5, 'pl')).toBe('1234,5');
    expect(formatDate('2026-03-05T10:00:00Z', 'en')).toMatch(/Mar 5, 2026/);
    expect(formatDate('2026-03-05T10:00:00Z', 'pl')).toMatch(/5 mar 2026/);
    expect(formatDate(null, 'en', 'never')).toBe('never');
  });

  it('words a server notice in the UI language, kinds included, and keeps the English sentence for a code it does not know', () => {
    const pl = createI18n('pl');
    expect(noticeText(pl, { code: 'similar.kind', params: { kind: 'api-service' } }, 'kind api-service')).toBe('ten sam rodzaj (Usługa API)');
    expect(noticeText(pl, { code: 'similar.fields', params: { fields: 'serialnumber, owneremail' } }, 'fields serialnumber, owneremail')).toBe('wspólne pola: serialnumber, owneremail');
    expect(noticeText(createI18n('en'), { code: 'health.answered', params: { path: '/health', status: 200 } }, 'GET /health answered 200')).toBe('GET /health answered 200');
    expect(noticeText(pl, { code: 'health.fromTheFuture', params: {} }, 'a newer agent said this')).toBe('a newer agent said this');
    expect(noticeText(pl, null, 'no code at all')).toBe('no code at all');
  });
});

describe('the catalogs a browser fetches', () => {
  it('starts with the one language it shows, and fetches the other on the first switch', async () => {
    const i18n = await loadI18n('pl');
    expect(i18n.hasResourceBundle('pl', 'translation')).toBe(true);
    expect(i18n.hasResourceBundle('en', 'translation')).toBe(false);
    expect(i18n.t('catalog.empty')).toBe('Nie ma jeszcze aplikacji');
    await switchLanguage(i18n, 'en');
    expect(i18n.t('catalog.empty')).toBe('No apps yet');
    expect(document.documentElement.lang).toBe('en');
  });

  it('starts with the first screens\' words, adds the other pages\' when one asks, and brings both parts on a switch after that', async () => {
    const i18n = await loadI18n('pl');
    // the server is told, so its next page preloads these words
    expect(document.cookie).toContain('mp_language=pl');
    expect(i18n.t('chat.title')).toBe(pl.chat.title);
    expect(i18n.exists('auth.signInTitle')).toBe(false);
    expect(i18n.exists('notices.mailStage.senderUnknown')).toBe(false);
    await moreWords();
    expect(i18n.t('auth.signInTitle')).toBe('Logowanie');
    // the admin pages' notices join the first screens' ones, which stay
    expect(i18n.t('notices.mailStage.senderUnknown')).toBe(pl.notices.mailStage.senderUnknown);
    expect(i18n.t('notices.deployment.removedByServer')).toBe(pl.notices.deployment.removedByServer);
    expect(i18n.t('chat.title')).toBe(pl.chat.title);
    await switchLanguage(i18n, 'en');
    expect(document.cookie).toContain('mp_language=en');
    expect(i18n.t('auth.signInTitle')).toBe('Sign in');
    expect(i18n.t('chat.title')).toBe(en.chat.title);
  });

  it('holds every word at once for a first load of another page', async () => {
    const i18n = await loadI18n('en', { everyWord: true });
    expect(i18n.t('auth.signInTitle')).toBe('Sign in');
    expect(i18n.t('catalog.empty')).toBe('No apps yet');
    // `notices` is in both parts: neither part's notices hide the other's
    expect(i18n.t('notices.deployment.removedByServer')).toBe('Removed from this workstation.');
    expect(i18n.t('notices.mailStage.senderUnknown')).toBe(en.notices.mailStage.senderUnknown);
    // `notices` is in both parts: neither part's notices hide the other's
    expect(i18n.t('notices.deployment.removedByServer')).toBe('Removed from this workstation.');
    expect(i18n.t('notices.mailStage.senderUnknown')).toBe(en.notices.mailStage.senderUnknown);
  });
});
