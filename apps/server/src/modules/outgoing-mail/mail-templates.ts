import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { getOrgSettings } from '../settings/org-settings.js';
import { DEFAULT_MAIL_TEMPLATES, type MailTemplateText } from './default-mail-templates.js';
import { fillTemplate, oneLine, unknownPlaceholders } from './fill-template.js';
import { MAIL_KINDS, type MailKind, type MailLanguage, type MailParams } from './mail-template-kinds.js';
import { OutgoingMailError } from './outgoing-mail-error.js';

export interface EffectiveTemplate extends MailTemplateText {
  kind: MailKind;
  language: MailLanguage;
  /** True when the organisation wrote its own; false: the built-in default. */
  custom: boolean;
  /** The organisation's version number (0 for a default that was never changed). */
  version: number;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface RenderedMail {
  kind: MailKind;
  language: MailLanguage;
  subject: string;
  text: string;
}

/** The wording in force: the organisation's own for this kind and language, else the built-in one. */
export async function effectiveTemplate(db: Db, orgId: string | null, kind: MailKind, language: MailLanguage): Promise<EffectiveTemplate> {
  const own = orgId ? await db.selectFrom('mail_templates').selectAll().where('org_id', '=', orgId).where('kind', '=', kind).where('language', '=', language).executeTakeFirst() : undefined;
  if (own) return { kind, language, subject: own.subject, body: own.body, custom: true, version: own.version, updatedBy: own.updated_by, updatedAt: new Date(own.updated_at).toISOString() };
  const last = orgId ? await db.selectFrom('mail_template_versions').select('version').where('org_id', '=', orgId).where('kind', '=', kind).where('language', '=', language).orderBy('version', 'desc').limit(1).executeTakeFirst() : undefined;
  return { kind, language, ...DEFAULT_MAIL_TEMPLATES[kind][language], custom: false, version: last?.version ?? 0, updatedBy: null, updatedAt: null };
}

export async function listTemplates(db: Db, orgId: string): Promise<EffectiveTemplate[]> {
  const out: EffectiveTemplate[] = [];
  for (const kind of Object.keys(MAIL_KINDS) as MailKind[]) for (const language of ['en', 'pl'] as const) out.push(await effectiveTemplate(db, orgId, kind, language));
  return out;
}

/** Refuses a template naming a placeholder its kind does not give: 400 with their names. */
export function checkTemplate(kind: MailKind, template: MailTemplateText): void {
  const unknown = unknownPlaceholders(kind, template.subject, template.body);
  if (unknown.length) {
    throw new OutgoingMailError('UNKNOWN_PLACEHOLDER', `Unknown placeholder(s) for the "${kind}" mail: ${unknown.map((name) => `{{${name}}}`).join(', ')}. Use only: ${[...MAIL_KINDS[kind].placeholders, 'footer', 'publicUrl'].map((name) => `{{${name}}}`).join(', ')}.`);
  }
}

/** Saves the organisation's own wording as a new version (history keeps who changed it and when). */
export async function putTemplate(db: Db, input: { orgId: string; userId: string | null; kind: MailKind; language: MailLanguage; subject: string; body: string }): Promise<EffectiveTemplate> {
  checkTemplate(input.kind, input);
  await db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('mail_template_versions').select('version').where('org_id', '=', input.orgId).where('kind', '=', input.kind).where('language', '=', input.language).orderBy('version', 'desc').limit(1).forUpdate().executeTakeFirst();
    const version = (last?.version ?? 0) + 1;
    const row = { subject: input.subject, body: input.body, version, updated_by: input.userId, updated_at: new Date() };
    await trx.insertInto('mail_templates').values({ org_id: input.orgId, kind: input.kind, language: input.language, ...row }).onConflict((oc) => oc.columns(['org_id', 'kind', 'language']).doUpdateSet(row)).execute();
    await trx.insertInto('mail_template_versions').values({ id: randomUUID(), org_id: input.orgId, kind: input.kind, language: input.language, version, action: 'put', subject: input.subject, body: input.body, changed_by: input.userId }).execute();
  });
  return effectiveTemplate(db, input.orgId, input.kind, input.language);
}

/** Back to the built-in wording; the history records the reset. */
export async function resetTemplate(db: Db, input: { orgId: string; userId: string | null; kind: MailKind; language: MailLanguage }): Promise<EffectiveTemplate> {
  await db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('mail_templates').where('org_id', '=', input.orgId).where('kind', '=', input.kind).where('language', '=', input.language).returning('version').executeTakeFirst();
    if (!removed) return;
    await trx.insertInto('mail_template_versions').values({ id: randomUUID(), org_id: input.orgId, kind: input.kind, language: input.language, version: removed.version + 1, action: 'reset', subject: null, body: null, changed_by: input.userId }).execute();
  });
  return effectiveTemplate(db, input.orgId, input.kind, input.language);
}

export async function templateHistory(db: Db, orgId: string, kind: MailKind, language: MailLanguage) {
  const rows = await db.selectFrom('mail_template_versions').selectAll().where('org_id', '=', orgId).where('kind', '=', kind).where('language', '=', language).orderBy('version', 'desc').limit(50).execute();
  return rows.map((row) => ({ version: row.version, action: row.action, subject: row.subject, body: row.body, changedBy: row.changed_by, changedAt: new Date(row.changed_at).toISOString() }));
}

/** The footer placeholder's value: the organisation's required footer under a signature line, or nothing. */
export const footerText = (footer: string): string => (footer.trim() ? `\n-- \n${footer.trim()}` : '');

/** Fills a template (the organisation's or the built-in one) with the sender's values plus `footer` and `publicUrl`. */
export function fillMail(template: MailTemplateText & { kind: MailKind; language: MailLanguage }, params: Record<string, string>, common: { footer: string; publicUrl: string }): RenderedMail {
  const all = { ...params, footer: footerText(common.footer), publicUrl: common.publicUrl };
  return { kind: template.kind, language: template.language, subject: oneLine(fillTemplate(template.subject, all)), text: `${fillTemplate(template.body, all).trimEnd()}\n` };
}

/**
 * Renders one mail of `kind` in `language` for an organisation (null: no organisation, the built-in
 * wording). Every mail the server sends is made here; distribution campaigns call it with `announcement`.
 */
export async function renderTemplate<K extends MailKind>(deps: { db: Db; config: Pick<Config, 'publicUrl'> }, orgId: string | null, kind: K, language: MailLanguage, params: MailParams<K>): Promise<RenderedMail> {
  const template = await effectiveTemplate(deps.db, orgId, kind, language);
  const footer = orgId ? (await getOrgSettings(deps.db, orgId)).mail.footer : '';
  return fillMail(template, params, { footer, publicUrl: deps.config.publicUrl });
}

/** Who a mail goes to, as far as the sender knows: a user's id, or an address that may be a user's. */
export interface MailRecipient {
  userId?: string | null;
  email?: string | null;
}

/**
 * The language to write to someone in (decision 0046): the recipient's own choice when they are a known
 * user of the organisation who chose one (`users.language`, set in their account by an admin), else the
 * language of the message answered (or a confident guess of it), else the organisation's default
 * (`mail.language`), else English.
 */
export async function mailLanguageFor(db: Db, orgId: string | null, options: { to?: MailRecipient; answered?: string | null } = {}): Promise<MailLanguage> {
  const { to, answered } = options;
  if (orgId && (to?.userId || to?.email)) {
    let query = db.selectFrom('users').select('language').where('org_id', '=', orgId);
    query = to.userId ? query.where('id', '=', to.userId) : query.where((eb) => eb(eb.fn('lower', ['email']), '=', to.email!.trim().toLowerCase()));
    const chosen = (await query.executeTakeFirst())?.language;
    if (chosen === 'en' || chosen === 'pl') return chosen;
  }
  if (answered === 'en' || answered === 'pl') return answered;
  return orgId ? (await getOrgSettings(db, orgId)).mail.language : 'en';
}
