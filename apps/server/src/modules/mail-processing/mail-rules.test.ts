import { describe, expect, it } from 'vitest';
import { applyMailRules, DEFAULT_MAIL_RULES, mailRuleSetSchema } from './mail-rules.js';

const facts = { classification: 'bug-report', spam: false, trust: 'proven', language: 'pl', appKnown: true };

describe('mail routing rules', () => {
  it('the defaults send a bug report about a known app to its owners, spam aside, the rest to the conversation', () => {
    expect(applyMailRules(DEFAULT_MAIL_RULES, facts)).toMatchObject({ route: 'inbox', labels: ['bug'], notify: 'owners' });
    expect(applyMailRules(DEFAULT_MAIL_RULES, { ...facts, spam: true })).toMatchObject({ route: 'ignore', labels: ['spam'] });
    expect(applyMailRules(DEFAULT_MAIL_RULES, { ...facts, appKnown: false })).toMatchObject({ route: 'conversation', labels: [] });
  });

  it('the first rule whose every condition holds decides', () => {
    const rules = mailRuleSetSchema.parse([
      { name: 'polish bugs to admins', when: { classification: ['bug-report'], language: ['pl'] }, then: { route: 'inbox', notify: 'admins' } },
      { name: 'all bugs', when: { classification: ['bug-report'] }, then: { route: 'ignore' } },
    ]);
    expect(applyMailRules(rules, facts)).toMatchObject({ route: 'inbox', notify: 'admins', notice: { code: 'mailStage.routeRule', params: { rule: 'polish bugs to admins' } } });
    expect(applyMailRules(rules, { ...facts, language: 'en' })).toMatchObject({ route: 'ignore', notify: 'none' });
  });

  it('refuses unknown classes, routes and fields with the path of what is wrong', () => {
    const bad = mailRuleSetSchema.safeParse([{ name: 'x', when: { classification: ['nonsense'] }, then: { route: 'inbox' } }]);
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual([0, 'when', 'classification', 0]);
    expect(mailRuleSetSchema.safeParse([{ name: 'x', when: {}, then: { route: 'elsewhere' } }]).success).toBe(false);
    expect(mailRuleSetSchema.safeParse([{ name: 'x', when: { body: 'free' }, then: { route: 'ignore' } }]).success).toBe(false);
  });
});
