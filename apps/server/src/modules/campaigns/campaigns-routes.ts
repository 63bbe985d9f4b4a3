import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, withErrors } from '../../http/responses.js';
import { hasRole } from '../auth/principal.js';
import { BUCKETS, campaignCountsSchema, campaignSeries, campaignSeriesSchema, campaignCounts, type Bucket } from './campaign-results.js';
import { campaignFor, cancelCampaign, createCampaign, editDraft, scheduleCampaign } from './campaign-service.js';
import { audienceSchema, campaignSchema, campaignView, languageSchema } from './campaign-views.js';
import { listCampaigns } from './campaigns-repository.js';

const OWNERS = { principals: ['user' as const, 'api-key' as const] };

/** Distribution campaigns: an app announced to an audience by mail, optionally installed at once (decision 0039). */
export default async function campaignsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const deps = () => ({ db: app.db, config: app.config, jobs: app.jobs, events: app.events });

  app.get('/campaigns', {
    config: { auth: OWNERS },
    schema: { tags: ['campaigns'], summary: 'Campaigns of the apps I own (admins: all)', querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(), response: withErrors({ 200: z.object({ items: z.array(campaignSchema) }) }) },
    handler: async (request) => {
      const principal = request.principal!;
      const rows = await listCampaigns(app.db, principal.orgId, { userId: principal.userId, admin: hasRole(principal, 'admin') }, request.query.limit);
      return { items: await Promise.all(rows.map((row) => campaignView(app.db, row))) };
    },
  });

  app.post('/campaigns', {
    config: { auth: OWNERS, audit: 'campaign.create' },
    schema: {
      tags: ['campaigns'],
      summary: 'Create a draft campaign: the audience is resolved to users, a draft written per language they read',
      body: z.object({ appId: z.uuid({ message: 'must be an app id (UUID)' }), audience: audienceSchema, installNow: z.boolean().default(false).describe('Also send the release to the recipients’ enrolled agents when the campaign is sent') }).strict(),
      response: withErrors({ 201: campaignSchema }, [403, 404, 409, 422]),
    },
    handler: async (request, reply) => {
      const row = await createCampaign(deps(), request.principal!, request.body);
      const view = await campaignView(app.db, row);
      request.auditInfo = { targetType: 'campaign', targetId: row.id, details: { appId: row.app_id, recipients: view.counts.recipients, installNow: row.install_now } };
      return reply.status(201).send(view);
    },
  });

  app.get('/campaigns/:id', {
    config: { auth: OWNERS },
    schema: { tags: ['campaigns'], summary: 'A campaign with its drafts and counts', params: idParams, response: withErrors({ 200: campaignSchema }, [404]) },
    handler: async (request) => campaignView(app.db, await campaignFor(deps(), request.principal!, request.params.id)),
  });

  app.put('/campaigns/:id/drafts', {
    config: { auth: OWNERS, audit: 'campaign.edit-draft' },
    schema: {
      tags: ['campaigns'],
      summary: 'Replace the announcement in one language (before the campaign is sent)',
      params: idParams,
      body: z.object({ language: languageSchema, subject: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(20_000) }).strict(),
      response: withErrors({ 200: campaignSchema }, [404, 409]),
    },
    handler: async (request) => {
      const { language, subject, body } = request.body;
      const row = await editDraft(deps(), request.principal!, request.params.id, language, { subject, body });
      request.auditInfo = { targetType: 'campaign', targetId: row.id, details: { language } };
      return campaignView(app.db, row);
    },
  });

  app.post('/campaigns/:id/schedule', {
    config: { auth: OWNERS, audit: 'campaign.schedule' },
    schema: {
      tags: ['campaigns'],
      summary: 'Send at a time (now when `at` is omitted or past); scheduling again moves the time',
      params: idParams,
      body: z.object({ at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-05-01T09:00:00Z' }).optional() }).strict(),
      response: withErrors({ 200: campaignSchema }, [404, 409, 503]),
    },
    handler: async (request) => {
      const row = await scheduleCampaign(deps(), request.principal!, request.params.id, request.body.at ? new Date(request.body.at) : undefined);
      request.auditInfo = { targetType: 'campaign', targetId: row.id, details: { at: row.scheduled_at } };
      return campaignView(app.db, row);
    },
  });

  app.post('/campaigns/:id/cancel', {
    config: { auth: OWNERS, audit: 'campaign.cancel' },
    schema: { tags: ['campaigns'], summary: 'Cancel a campaign before it starts sending', params: idParams, response: withErrors({ 200: campaignSchema }, [404, 409]) },
    handler: async (request) => {
      const row = await cancelCampaign(deps(), request.principal!, request.params.id);
      request.auditInfo = { targetType: 'campaign', targetId: row.id };
      return campaignView(app.db, row);
    },
  });

  app.get('/campaigns/:id/results', {
    config: { auth: OWNERS },
    schema: {
      tags: ['campaigns'],
      summary: 'Sent, bounced, installs and healthy installs: counts and cumulative counts over time',
      params: idParams,
      querystring: z.object({ bucket: z.enum(Object.keys(BUCKETS) as [Bucket, ...Bucket[]]).default('hour') }).strict(),
      response: withErrors({ 200: z.object({ counts: campaignCountsSchema, series: campaignSeriesSchema }) }, [404]),
    },
    handler: async (request) => {
      const row = await campaignFor(deps(), request.principal!, request.params.id);
      const [counts, series] = await Promise.all([campaignCounts(app.db, row.id), campaignSeries(app.db, row.id, request.query.bucket)]);
      return { counts, series };
    },
  });
}
