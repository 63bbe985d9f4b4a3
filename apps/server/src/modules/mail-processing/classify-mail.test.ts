import { describe, expect, it } from 'vitest';
import { ADMIN_NOTICES_EN } from '@marketplace/spec/admin-notices-en';
import { ADMIN_NOTICES_PL } from '@marketplace/spec/admin-notices-pl';
import { noticesSentence } from '../../http/notice-sentence.js';
import { classifyMail, REASON_CUES } from './classify-mail.js';
import { builtinSpamScore } from './spam-check.js';
import { summariseMail } from './summarise-mail.js';

const normal = { kind: 'normal', reason: 'no automatic-mail header' };
const classify = (subject: string, text: string, extra: Partial<Parameters<typeof classifyMail>[0]> = {}) => classifyMail({ subject, text, automatic: normal, answersOurs: false, appNamed: false, ...extra }).result;

describe('built-in mail classification', () => {
  it('reads Polish words whole (JavaScript \\b knows no Polish letters)', () => {
    expect(classify('Nowa aplikacja', 'potrzebuję aplikacji do ewidencji wyjazdów')).toBe('app-request');
    expect(classify('visitor log', 'Visitor log źle liczy gości z dzisiaj', { appNamed: true })).toBe('bug-report');
  });

  it('hears a request for a tool described in a few words, and not a change to a report that exists', () => {
    expect(classify('I need a visitor log', 'Please build a small CRUD app to log office visitors with name, company and arrival time.')).toBe('app-request');
    expect(classify('Visitors', 'We need a simple visitor log for reception.')).toBe('app-request');
    expect(classify('Sales report', 'Could the sales report also show totals per region? Please make the sales report show totals.')).not.toBe('app-request');
  });

  it('takes a reply by its new text, not the subject of the thread it answers', () => {
    expect(classify('Re: Room booking crashes', 'Thanks, that fixed it, it works perfectly now.', { answersOurs: true })).toBe('feedback');
  });

  it('calls machine mail auto-reply whatever it says', () => {
    expect(classifyMail({ subject: 'The form crashes', text: 'error', automatic: { kind: 'list', reason: 'List-Id' }, answersOurs: false, appNamed: true })).toEqual({
      result: 'auto-reply',
      notices: [{ code: 'mailStage.automatic', params: { mailKind: 'list', header: 'List-Id' } }],
      reason: 'list: List-Id',
    });
  });

  it('settles mixed messages: a fault beats thanks, a suggestion about an app beats a question', () => {
    expect(classify('timesheet', 'Thanks for the timesheet, but it crashes when I save.', { appNamed: true })).toBe('bug-report');
    expect(classify('x', 'Czy w expense-report można dodać eksport do PDF?', { appNamed: true })).toBe('feedback');
    expect(classify('x', 'How do I install an app on my second laptop?')).toBe('question');
  });
});

describe('reasons as notices (decision 0058)', () => {
  it('words a verdict’s reason in Polish, its cues and spam rules included, the English sentence beside it', () => {
    const bug = classifyMail({ subject: 'timesheet', text: 'It crashes with an error when I save.', automatic: normal, answersOurs: false, appNamed: true });
    expect(bug.notices).toEqual([{ code: 'mailStage.classBugNamedApp', params: { cues: 'crash, error' } }]);
    expect(bug.reason).toBe('describes a fault (crash, error) in a named app');
    expect(noticesSentence(bug.notices, 'pl')).toBe('opisuje usterkę (awaria, błąd) w wymienionej aplikacji');
    const spam = builtinSpamScore({ subject: 'WYGRAŁEŚ NAGRODĘ', text: 'Kliknij tutaj. Tylko dziś!', links: 0 });
    expect(spam.notices[0]).toMatchObject({ code: 'mailStage.spamRules', params: { threshold: 5 } });
    expect(noticesSentence(spam.notices, 'pl')).toMatch(/^wynik \d+, spam od 5: .*click-here \+2/);
  });

  it('has a word in English and in Polish for every cue a reason can name', () => {
    const missing = REASON_CUES.flatMap((cue) => (['en', 'pl'] as const).filter((lang) => !(cue in { en: ADMIN_NOTICES_EN, pl: ADMIN_NOTICES_PL }[lang].words.cues)).map((lang) => `${lang}: ${cue}`));
    expect(missing).toEqual([]);
  });
});

describe('built-in spam rules and summaries', () => {
  it('scores GTUBE and Polish spam as spam, a bug report as clean', () => {
    expect(builtinSpamScore({ subject: 't', text: 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X', links: 0 })).toMatchObject({ spam: true, reason: 'GTUBE test string' });
    expect(builtinSpamScore({ subject: 'WYGRAŁEŚ NAGRODĘ', text: 'Wygrałeś nagrodę 5000 zł w loterii. Kliknij tutaj. Tylko dziś!', links: 0 }).spam).toBe(true);
    expect(builtinSpamScore({ subject: 'Room booking', text: 'The page crashes with error 500 when I save.', links: 0 }).spam).toBe(false);
  });

  it('summarises without the greeting, the quote and the sign-off', () => {
    expect(summariseMail('x', 'Hi,\n\nThe form crashes when I save. It worked yesterday.\n\nThanks,')).toBe('The form crashes when I save. It worked yesterday.');
  });
});
