import { describe, expect, it } from 'vitest';
import { splitChangeReply } from './inbox-owner-mail.js';

describe('an owner reply by mail', () => {
  it('reads a change only from a first line "CHANGE:" or "ZMIANA:", continued until a blank line; the rest is the answer', () => {
    expect(splitChangeReply('CHANGE: add a notes field\nand make it optional\n\nThanks, coming soon.')).toEqual({ change: 'add a notes field and make it optional', answer: 'Thanks, coming soon.' });
    expect(splitChangeReply('\n  zmiana:  dodaj pole notatki')).toEqual({ change: 'dodaj pole notatki', answer: '' });
    expect(splitChangeReply('Thanks!\nCHANGE: add a notes field')).toEqual({ change: null, answer: 'Thanks!\nCHANGE: add a notes field' });
    expect(splitChangeReply('We will change the form.')).toEqual({ change: null, answer: 'We will change the form.' });
    expect(splitChangeReply('CHANGE:\n\nOnly an answer.')).toEqual({ change: null, answer: 'Only an answer.' });
  });
});
