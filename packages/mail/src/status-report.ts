import * as z from 'zod';
import { messageIdSchema, semverSchema, slugSchema } from './mail-fields.js';
import { lazySchema } from '@marketplace/release';

/** Deployment states (DESIGN.md "Core HTTP API"). `replaced`: an earlier version a newer one took over on the workstation, kept there as a rollback target. */
export const DEPLOYMENT_STATES = ['received', 'rejected', 'deploying', 'healthy', 'unhealthy', 'replaced', 'rolled-back', 'removed'] as const;

/** Where a healthy app answers on its workstation, as an agent reports it (by mail or HTTP): http(s) only, never `javascript:`. */
export const appUrlSchema = lazySchema(() =>
  z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
);

/**
 * `detail` as a stable code and its parameters, for the marketplace UI to word in its language (the
 * server lists the codes; here only the shape is checked, so a newer agent's code is kept, never refused).
 */
export const relayedNoticeSchema = lazySchema(() =>
  z
    .object({
      code: z.string().regex(/^[a-z]+\.[A-Za-z]+$/, { message: 'must look like area.name' }).max(64),
      params: z.record(z.string().max(40), z.union([z.string().max(500), z.number()])).refine((params) => Object.keys(params).length <= 10, { message: 'at most 10 parameters' }),
    })
    .strict(),
);

/** What an agent reports about one release, sent by mail as `status.json`. */
export const statusReportSchema = lazySchema(() =>
  z.object({
    statusVersion: z.literal(1),
    agentId: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, { message: 'must be the agent id given at enrolment' }),
    app: slugSchema,
    version: semverSchema,
    state: z.enum(DEPLOYMENT_STATES),
    /** Why, for rejected / unhealthy / rolled-back: a stable code and a sentence, and the sentence as notices the UI words. */
    reason: z.object({ code: z.string().min(1).max(64), message: z.string().max(2000), notices: z.array(relayedNoticeSchema).max(4).optional() }).optional(),
    /** Outcome of the last health check, when one ran; `url` is where a healthy app answers on the workstation. */
    health: z.object({ ok: z.boolean(), detail: z.string().max(500).optional(), notice: relayedNoticeSchema.optional(), url: appUrlSchema.optional() }).optional(),
    /** Message-ID of the release email this answers, so the server can thread and match it. */
    releaseMessageId: messageIdSchema.optional(),
    at: z.iso.datetime({ offset: true }),
  }),
);

export type StatusReport = z.infer<typeof statusReportSchema>;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

export const STATUS_FILE_NAME = 'status.json';
