import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NOTICE_CODES, noticeSchema } from '../../http/notice.js';
import { idParams, iso, optionalQuery, pagination, withErrors } from '../../http/responses.js';
import { MAIL_CLASSES } from './classify-mail.js';
import { findAnalysis, listAnalyses, saveRuleSet, currentRuleSet } from './mail-processing-repository.js';
import { MailProcessingError } from './mail-processing-error.js';
import { mailBacklog, mailBacklogSchema } from './mail-backlog.js';
import { DEFAULT_MAIL_RULES, mailRuleSchema, mailRuleSetSchema } from './mail-rules.js';

const ADMIN = { roles: ['admin' as const] };
const stageSchema = z
  .object({
    result: z.string(),
    reason: z.string().describe('Why, in English (the sentence of `notices`)'),
    notices: z.array(noticeSchema).optional().describe('Why, as codes and parameters the UI words; absent on records stored before them (show `reason`)'),
    ms: z.number(),
    engine: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'MailStage' });
const analysisSchema = z
  .object({
    id: z.string(),
    incomingMailId: z.string(),
    messageId: z.string(),
    sender: z.string(),
    subject: z.string(),
    classification: z.string(),
    spam: z.boolean(),
    language: z.string(),
    appId: z.string().nullable(),
    summary: z.string(),
    route: z.string(),
    labels: z.array(z.string()),
    ruleVersion: z.number(),
    stages: z.record(z.string(), stageSchema),
    createdAt: z.string(),
  })
  .meta({ id: 'MailAnalysis' });
const rulesAnswer = z.object({ version: z.number(), isDefault: z.boolean(), rules: z.array(mailRuleSchema), createdAt: z.string().nullable() }).meta({ id: 'MailRuleSet' });

type Row = NonNullable<Awaited<ReturnType<typeof findAnalysis>>>;
/** The order the stages run in (the stored JSON keeps no key order). */
const STAGE_ORDER = ['sender', 'spam', 'language', 'classification', 'app', 'summary', 'route'];
const KNOWN = new Set<string>(NOTICE_CODES);
/** A stage as stored: notices only when every code is still one this server writes (else its English reason stands alone). */
const stageView = ({ notices, ...stage }: Row['stages'][string]) => (notices?.length && notices.every((n) => KNOWN.has(n.code)) ? { ...stage, notices } : stage);
const inOrder = (stages: Row['stages']) =>
  Object.fromEntries(
    Object.entries(stages)
      .sort(([a], [b]) => (STAGE_ORDER.indexOf(a) + 1 || 99) - (STAGE_ORDER.indexOf(b) + 1 || 99))
      .map(([name, stage]) => [name, stageView(stage)]),
  );
const view = (row: Row) => ({
  id: row.id,
  incomingMailId: row.incoming_mail_id,
  messageId: row.message_id,
  sender: row.sender,
  subject: row.subject,
  classification: row.classification,
  spam: row.spam,
  language: row.language,
  appId: row.app_id,
  summary: row.summary,
  route: row.route,
  labels: row.labels,
  ruleVersion: row.rule_version,
  stages: inOrder(row.stages),
  createdAt: iso(row.created_at),
});

/** Admins see how every incoming message was read (each stage's result and reason) and edit the versioned routing rules. */
export default async function mailAnalysesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/mail-backlog', {
    config: { auth: ADMIN },
    schema: { tags: ['mail'], summary: 'The mail pipeline’s backlog: received mail waiting, processing or quarantined (live: event `mail-backlog`)', response: withErrors({ 200: mailBacklogSchema }) },
    handler: async () => mailBacklog(app.db),
  });

  app.get('/mail-analyses', {
    config: { auth: ADMIN },
    schema: {
      tags: ['mail'],
      summary: 'Incoming mail as the pipeline read it: sender proof, spam, language, class, app, summary, route',
      querystring: z.object({ ...pagination, classification: optionalQuery(z.enum(MAIL_CLASSES)), route: optionalQuery(z.string().max(80)) }).strict(),
      response: withErrors({ 200: z.object({ items: z.array(analysisSchema) }) }),
    },
    handler: async (request) => {
      const rows = await listAnalyses(app.db, request.principal!.orgId, request.query);
      return { items: rows.map(view) };
    },
  });

  app.get('/mail-analyses/:id', {
    config: { auth: ADMIN },
    schema: { tags: ['mail'], summary: "One message's analysis, stage by stage", params: idParams, response: withErrors({ 200: analysisSchema }, [404]) },
    handler: async (request) => {
      const row = await findAnalysis(app.db, request.principal!.orgId, request.params.id);
      if (!row) throw new MailProcessingError('ANALYSIS_NOT_FOUND', `No mail analysis ${request.params.id} in your organisation; see GET /api/v1/mail-analyses.`);
      return view(row);
    },
  });

  app.get('/mail-rules', {
    config: { auth: ADMIN },
    schema: { tags: ['mail'], summary: 'The routing rules in force (version 0: the built-in defaults)', response: withErrors({ 200: rulesAnswer }) },
    handler: async (request) => {
      const current = await currentRuleSet(app.db, request.principal!.orgId);
      return current ? { version: current.version, isDefault: false, rules: current.rules, createdAt: iso(current.createdAt) } : { version: 0, isDefault: true, rules: DEFAULT_MAIL_RULES, createdAt: null };
    },
  });

  app.put('/mail-rules', {
    config: { auth: ADMIN, audit: 'mail.rules.save' },
    schema: {
      tags: ['mail'],
      summary: 'Save the routing rules as a new version (the first matching rule decides: route, label, notify)',
      body: z.object({ rules: mailRuleSetSchema }).strict(),
      response: withErrors({ 200: z.object({ version: z.number() }) }),
    },
    handler: async (request) => {
      const version = await saveRuleSet(app.db, request.principal!.orgId, request.body.rules, request.principal!.userId);
      request.auditInfo = { targetType: 'mail_rules', targetId: String(version) };
      return { version };
    },
  });
}
