// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react';
import { createElement } from 'react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { SLOTS } from '@marketplace/spec';
import { SpecDraft } from '../src/chat/spec-draft';
import { createI18n } from '../src/i18n/create-i18n';
import { en } from '../src/i18n/en';
import { pl } from '../src/i18n/pl';

afterEach(cleanup);

const draft = { specVersion: 1, name: 'wnioski', title: 'Wnioski', summary: '', kind: 'form-app', language: 'pl' };

describe('the draft beside the chat', () => {
  it('says what it still needs in words, not as the engine’s slots', () => {
    render(createElement(I18nextProvider, { i18n: createI18n('pl') }, createElement(SpecDraft, { spec: draft, missing: ['entities', 'outputs.target'], language: 'pl', busy: false, onEdit: () => {} })));
    const notice = document.querySelector('.notice')?.textContent;
    expect(notice).toBe('Jeszcze potrzebne: rekordy i ich pola, kto lub co dostaje wyniki');
  });

  it('has English and Polish words for every slot the engine can ask about', () => {
    const words = (language: typeof en) => (language.chat as unknown as { missingSlots: Record<string, string> }).missingSlots;
    for (const slot of SLOTS) {
      expect(words(en)[slot.replaceAll('.', ':')], `en ${slot}`).toBeTruthy();
      expect(words(pl as typeof en)[slot.replaceAll('.', ':')], `pl ${slot}`).toBeTruthy();
    }
  });

  it('says the schedule in words, the cron expression beside it as code', () => {
    const scheduled = { ...draft, kind: 'data-tool', schedule: { cron: '0 16 * * 5' } };
    render(createElement(I18nextProvider, { i18n: createI18n('pl') }, createElement(SpecDraft, { spec: scheduled, missing: [], language: 'pl', scheduleText: 'O 16:00, tylko piątek', busy: false, onEdit: () => {} })));
    const line = document.querySelector('.schedule-form p')?.textContent;
    expect(line).toBe('Harmonogram: O 16:00, tylko piątek 0 16 * * 5 ');
    expect(document.querySelector('.schedule-form code')?.textContent).toBe('0 16 * * 5');
  });
});
