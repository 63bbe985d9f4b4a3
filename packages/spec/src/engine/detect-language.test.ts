import { describe, expect, it } from 'vitest';
import { detectLanguage } from './detect-language.js';
import { fold } from './prepare-text.js';

const detect = (text: string, fallback: 'en' | 'pl' = 'en') => detectLanguage(text, fold(text), fallback);

describe('detectLanguage', () => {
  it.each([
    ['co 15 minut', 'pl'],
    ['pola: imię, e-mail, data', 'pl'],
    ['zmień harmonogram na codziennie o 7', 'pl'],
    ['raz w tygodniu', 'pl'],
    ['Formularz zgłoszeń awarii', 'pl'],
    ['every Friday at 8', 'en'],
    ['fields: name, email, date', 'en'],
    ['actually make it a form', 'en'],
    ['hourly', 'en'],
    ['Build a REST API for books with title and author', 'en'],
  ] as const)('"%s" is %s', (text, language) => {
    expect(detect(text).language).toBe(language);
  });

  it('falls back when the text gives no evidence', () => {
    expect(detect('8:00', 'pl')).toEqual({ language: 'pl', confident: false, margin: 0 });
    expect(detect('🙂🙂', 'en')).toMatchObject({ language: 'en', confident: false });
  });
});
