import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withErrors } from '../../http/responses.js';
import { getOrgSettings, orgSettingsPatchSchema, orgSettingsSchema, updateOrgSettings } from './org-settings.js';

const ADMIN = { roles: ['admin' as const] };
const exportSchema = z.object({ format: z.literal('marketplace-config'), version: z.literal(1), exportedAt: z.string(), settings: orgSettingsSchema });

function changedKeys(before: object, after: object): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [section, values] of Object.entries(after)) {
    for (const [key, value] of Object.entries(values as object)) {
      const old = (before as any)[section]?.[key];
      if (JSON.stringify(old) !== JSON.stringify(value)) changes[`${section}.${key}`] = { from: old, to: value };
    }
  }
  return changes;
}

/** Runtime settings of the organisation (seed 003: configuration management). */
export default async function settingsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/config', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], summary: 'Current runtime settings', response: withErrors({ 200: z.object({ settings: orgSettingsSchema }) }) },
    handler: async (request) => ({ settings: await getOrgSettings(app.db, request.principal!.orgId) }),
  });

  app.put('/config', {
    config: { auth: ADMIN, audit: 'config.update' },
    schema: { tags: ['config'], summary: 'Change runtime settings (any subset)', body: z.object({ settings: orgSettingsPatchSchema }).strict(), response: withErrors({ 200: z.object({ settings: orgSettingsSchema }) }) },
    handler: async (request) => {
      const { before, after } = await updateOrgSettings(app.db, request.principal!.orgId, request.principal!.userId, request.body.settings);
      request.auditInfo = { targetType: 'config', details: { changes: changedKeys(before, after) } };
      return { settings: after };
    },
  });

  app.get('/config/export', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], summary: 'Export settings as JSON', response: withErrors({ 200: exportSchema }) },
    handler: async (request, reply) => {
      reply.header('content-disposition', 'attachment; filename="marketplace-config.json"');
      return { format: 'marketplace-config' as const, version: 1 as const, exportedAt: new Date().toISOString(), settings: await getOrgSettings(app.db, request.principal!.orgId) };
    },
  });

  app.post('/config/import', {
    config: { auth: ADMIN, audit: 'config.import' },
    schema: {
      tags: ['config'],
      summary: 'Replace settings from an export',
      body: z.object({ format: z.literal('marketplace-config'), version: z.literal(1), exportedAt: z.string().optional(), settings: orgSettingsPatchSchema }).strict(),
      response: withErrors({ 200: z.object({ settings: orgSettingsSchema }) }),
    },
    handler: async (request) => {
      const { before, after } = await updateOrgSettings(app.db, request.principal!.orgId, request.principal!.userId, request.body.settings, true);
      request.auditInfo = { targetType: 'config', details: { changes: changedKeys(before, after) } };
      return { settings: after };
    },
  });
}
