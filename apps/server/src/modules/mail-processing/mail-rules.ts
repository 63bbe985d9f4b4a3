import { z } from 'zod';
import { notice, type Notice } from '../../http/notice.js';
import { MAIL_CLASSES } from './classify-mail.js';

export const ROUTES = ['inbox', 'conversation', 'ignore'] as const;
export type MailRoute = (typeof ROUTES)[number];
export const TRUST_RESULTS = ['proven', 'unproven', 'refused', 'unknown-sender', 'limited', 'not-checked'] as const;

/** One rule: every condition given must hold (a list means any of its values); the first rule that matches decides. */
export const mailRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    when: z
      .object({
        classification: z.array(z.enum(MAIL_CLASSES)).min(1).optional(),
        spam: z.boolean().optional(),
        trust: z.array(z.enum(TRUST_RESULTS)).min(1).optional(),
        language: z.array(z.enum(['en', 'pl'])).min(1).optional(),
        /** `known`: the app stage found the app the message concerns. */
        app: z.enum(['known', 'unknown']).optional(),
      })
      .strict(),
    then: z
      .object({
        route: z.enum(ROUTES),
        label: z.string().trim().min(1).max(40).regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes').optional(),
        notify: z.enum(['none', 'owners', 'admins']).default('none'),
      })
      .strict(),
  })
  .strict()
  .meta({ id: 'MailRule' });
export type MailRule = z.infer<typeof mailRuleSchema>;

export const mailRuleSetSchema = z.array(mailRuleSchema).max(50, 'at most 50 rules');

/** Version 0, in force until an admin saves a rule set: spam is set aside, feedback and bug reports about a known app go to its owners. */
export const DEFAULT_MAIL_RULES: MailRule[] = [
  { name: 'spam is set aside', when: { spam: true }, then: { route: 'ignore', label: 'spam', notify: 'none' } },
  { name: 'bug reports go to the app owners', when: { classification: ['bug-report'], app: 'known' }, then: { route: 'inbox', label: 'bug', notify: 'owners' } },
  { name: 'feedback goes to the app owners', when: { classification: ['feedback'], app: 'known' }, then: { route: 'inbox', label: 'feedback', notify: 'owners' } },
];

export interface RuleFacts {
  classification: string;
  spam: boolean;
  trust: string;
  language: string;
  appKnown: boolean;
}

export interface RuleDecision {
  route: MailRoute;
  labels: string[];
  notify: 'none' | 'owners' | 'admins';
  /** Why: the rule that matched, or none did. */
  notice: Notice;
}

/** The first matching rule's route, label and notice; no match keeps the conversation route. */
export function applyMailRules(rules: readonly MailRule[], facts: RuleFacts): RuleDecision {
  for (const rule of rules) {
    const { when } = rule;
    if (when.classification && !when.classification.includes(facts.classification as never)) continue;
    if (when.spam !== undefined && when.spam !== facts.spam) continue;
    if (when.trust && !when.trust.includes(facts.trust as never)) continue;
    if (when.language && !when.language.includes(facts.language as never)) continue;
    if (when.app && (when.app === 'known') !== facts.appKnown) continue;
    return { route: rule.then.route, labels: rule.then.label ? [rule.then.label] : [], notify: rule.then.notify, notice: notice('mailStage.routeRule', { rule: rule.name }) };
  }
  return { route: 'conversation', labels: [], notify: 'none', notice: notice('mailStage.routeNoRule') };
}
