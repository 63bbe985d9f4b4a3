/**
 * Every outcome the trust rules record for a message they decide themselves (ignored, refused, an unknown
 * or unproven sender, over the limit, a confirmation, an owner's or reporter's reply): the message's
 * `outcome` and its analysis's route. They are codes; Admin → Incoming mail words each one from the
 * catalogs (`mail.routes`, @marketplace/spec admin-notices-*), and `notice-codes.test.ts` fails on one
 * without an English and a Polish wording (decision 0066). `finish` only takes these, so a new outcome
 * cannot be written without being listed here.
 */
export const TRUST_OUTCOMES = [
  'ignored:bounce',
  'ignored:auto-reply',
  'ignored:list',
  'ignored:no-sender',
  'ignored:inbox-replies-off',
  'refused:auth',
  'refused:unproven-sender:asked',
  'refused:unproven-sender:limited',
  'refused:foreign-token',
  'refused:confirmation-other-sender',
  'refused:confirmation-expired',
  'unknown-sender:replied',
  'unknown-sender:ignored',
  'unknown-sender:limited',
  'rate-limited',
  'duplicate',
  'confirmed-sender',
  'inbox-reply:sent',
  'inbox-reply:change-building',
  'inbox-reply:change-needs-answer',
  'inbox-reply:change-not-understood',
  'inbox-reply:refused',
  'inbox-reply:empty',
  'reporter-change:suggested',
  'reporter-change:awaiting-owner',
  'reporter-change:building',
  'reporter-change:needs-answer',
  'reporter-change:not-understood',
  'reporter-change:limited',
  'reporter-change:refused',
] as const;
export type TrustOutcome = (typeof TRUST_OUTCOMES)[number];
