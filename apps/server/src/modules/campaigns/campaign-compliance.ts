import type { Db } from '../../db/schema.js';
import { checkCompliance, type ComplianceResult } from '../outgoing-mail/mail-compliance.js';
import { complianceRules } from '../outgoing-mail/send-outgoing-mail.js';

/**
 * The organisation's compliance check (secrets, link domains, required footer, size) on a campaign's
 * drafts, as every other outgoing mail gets it: the first draft that would be blocked, with its language.
 */
export async function blockedDraft(deps: { db: Db; publicUrl: string }, orgId: string, drafts: { language: string; subject: string; body: string }[]): Promise<{ language: string; verdict: Extract<ComplianceResult, { ok: false }> } | null> {
  const rules = await complianceRules(deps, orgId);
  for (const draft of drafts) {
    const verdict = checkCompliance({ subject: draft.subject, text: draft.body, bytes: Buffer.byteLength(draft.subject) + Buffer.byteLength(draft.body) + 2048 }, rules);
    if (!verdict.ok) return { language: draft.language, verdict };
  }
  return null;
}
