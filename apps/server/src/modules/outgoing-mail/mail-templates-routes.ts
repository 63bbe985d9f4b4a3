import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withErrors } from '../../http/responses.js';
import { checkCompliance } from './mail-compliance.js';
import { MAIL_KINDS, MAIL_KIND_NAMES, MAIL_LANGUAGES, placeholdersOf, type MailKind, type MailLanguage } from './mail-template-kinds.js';
import { checkTemplate, effectiveTemplate, fillMail, listTemplates, putTemplate, resetTemplate, templateHistory } from './mail-templates.js';
import { OutgoingMailError } from './outgoing-mail-error.js';
import { complianceRules } from './send-outgoing-mail.js';

const ADMIN = { roles: ['admin' as const] };
/** Where the sample values' links point; the preview puts PUBLIC_URL in its place. */
const SAMPLE_ORIGIN = 'https://marketplace.example';

const templateSchema = z
  .object({
    kind: z.enum(MAIL_KIND_NAMES),
    language: z.enum(MAIL_LANGUAGES),
    subject: z.string(),
    body: z.string(),
    custom: z.boolean().describe('true: the organisation’s own wording; false: the built-in default'),
    version: z.number().int().describe('The organisation’s version number (0: never changed)'),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
    placeholders: z.array(z.string()).describe('What {{name}} the template may use'),
  })
  .meta({ id: 'MailTemplate' });
const historySchema = z.array(z.object({ version: z.number().int(), action: z.enum(['put', 'reset']), subject: z.string().nullable(), body: z.string().nullable(), changedBy: z.string().nullable(), changedAt: z.string() }));
const complianceSchema = z
  .object({
    ok: z.boolean(),
    code: z.enum(['secret', 'link-domain', 'footer-missing', 'too-large']).optional(),
    message: z.string().optional(),
    notice: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }).optional(),
  })
  .meta({ id: 'MailCompliance', description: 'The check every outgoing mail passes before it is sent; a blocked mail is not sent and says why' });
const params = z.object({ kind: z.string().max(64), language: z.string().max(64) }).strict();
const textBody = z.object({ subject: z.string().trim().min(1, 'write a subject').max(250), body: z.string().trim().min(1, 'write the body').max(20_000) }).strict();
const previewBody = z
  .object({
    subject: z.string().max(250).optional().describe('The wording to try; the one in force when omitted'),
    body: z.string().max(20_000).optional(),
    params: z.record(z.string().max(40), z.string().max(2000)).optional().describe('Values to use instead of the sample ones'),
  })
  .strict();

/** The kind and language named in the path, or 404. */
function target(input: { kind: string; language: string }): { kind: MailKind; language: MailLanguage } {
  if (!Object.hasOwn(MAIL_KINDS, input.kind) || !(MAIL_LANGUAGES as readonly string[]).includes(input.language)) {
    throw new OutgoingMailError('UNKNOWN_KIND', `No mail template "${input.kind}" in "${input.language}": kinds are ${MAIL_KIND_NAMES.join(', ')}; languages ${MAIL_LANGUAGES.join(', ')}. See GET /api/v1/mail-templates.`);
  }
  return { kind: input.kind as MailKind, language: input.language as MailLanguage };
}

const withPlaceholders = <T extends { kind: MailKind }>(template: T) => ({ ...template, placeholders: placeholdersOf(template.kind) });

/** The wording of every mail the server sends, per kind and language: the organisation's own or the built-in one. */
export default async function mailTemplatesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/mail-templates', {
    config: { auth: ADMIN },
    schema: { tags: ['mail'], summary: 'Every mail kind in every language, as sent now', response: withErrors({ 200: z.object({ items: z.array(templateSchema) }) }) },
    handler: async (request) => ({ items: (await listTemplates(app.db, request.principal!.orgId)).map(withPlaceholders) }),
  });

  app.get('/mail-templates/:kind/:language', {
    config: { auth: ADMIN },
    schema: { tags: ['mail'], summary: 'One template with its history of changes', params, response: withErrors({ 200: templateSchema.extend({ history: historySchema }) }, [404]) },
    handler: async (request) => {
      const { kind, language } = target(request.params);
      const template = await effectiveTemplate(app.db, request.principal!.orgId, kind, language);
      return { ...withPlaceholders(template), history: await templateHistory(app.db, request.principal!.orgId, kind, language) };
    },
  });

  app.put('/mail-templates/:kind/:language', {
    config: { auth: ADMIN, audit: 'mail-template.update' },
    schema: {
      tags: ['mail'],
      summary: 'Set the organisation’s own wording (a new version)',
      description: 'Placeholders are written {{name}}; one the kind does not give is refused (400 UNKNOWN_PLACEHOLDER naming it). Values are put in verbatim, never evaluated.',
      params,
      body: textBody,
      response: withErrors({ 200: templateSchema }, [404]),
    },
    handler: async (request) => {
      const { kind, language } = target(request.params);
      const saved = await putTemplate(app.db, { orgId: request.principal!.orgId, userId: request.principal!.userId, kind, language, ...request.body });
      request.auditInfo = { targetType: 'mail-template', targetId: `${kind}/${language}`, details: { version: saved.version } };
      return withPlaceholders(saved);
    },
  });

  app.delete('/mail-templates/:kind/:language', {
    config: { auth: ADMIN, audit: 'mail-template.reset' },
    schema: { tags: ['mail'], summary: 'Back to the built-in wording', params, response: withErrors({ 200: templateSchema }, [404]) },
    handler: async (request) => {
      const { kind, language } = target(request.params);
      request.auditInfo = { targetType: 'mail-template', targetId: `${kind}/${language}` };
      return withPlaceholders(await resetTemplate(app.db, { orgId: request.principal!.orgId, userId: request.principal!.userId, kind, language }));
    },
  });

  app.post('/mail-templates/:kind/:language/preview', {
    config: { auth: ADMIN },
    schema: {
      tags: ['mail'],
      summary: 'Render a wording with sample values, and check it the way a send is checked',
      params,
      body: previewBody,
      response: withErrors({ 200: z.object({ subject: z.string(), text: z.string(), compliance: complianceSchema }) }, [404]),
    },
    handler: async (request) => {
      const { kind, language } = target(request.params);
      const orgId = request.principal!.orgId;
      const current = await effectiveTemplate(app.db, orgId, kind, language);
      const wording = { kind, language, subject: request.body.subject ?? current.subject, body: request.body.body ?? current.body };
      checkTemplate(kind, wording);
      const known = new Set<string>(MAIL_KINDS[kind].placeholders);
      const given = Object.fromEntries(Object.entries(request.body.params ?? {}).filter(([name]) => known.has(name)));
      const rules = await complianceRules({ db: app.db, publicUrl: app.config.publicUrl }, orgId);
      // the sample links point at this marketplace, as the real ones do
      const sample = Object.fromEntries(Object.entries(MAIL_KINDS[kind].sample).map(([name, value]) => [name, value.replaceAll(SAMPLE_ORIGIN, app.config.publicUrl)]));
      const rendered = fillMail(wording, { ...sample, ...given }, { footer: rules.footer, publicUrl: app.config.publicUrl });
      const verdict = checkCompliance({ subject: rendered.subject, text: rendered.text, bytes: Buffer.byteLength(rendered.subject) + Buffer.byteLength(rendered.text) }, rules);
      return { subject: rendered.subject, text: rendered.text, compliance: verdict.ok ? { ok: true } : { ok: false, code: verdict.code, message: verdict.message, notice: verdict.notice } };
    },
  });
}
