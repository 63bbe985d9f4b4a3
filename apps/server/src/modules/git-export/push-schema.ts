import { z } from 'zod';

/** An app's push to the organisation's remote, as the app page and the admin page show it. */
export const pushSchema = z
  .object({ remoteUrl: z.string().nullable(), lastPushedVersion: z.string().nullable(), lastPushedAt: z.string().nullable(), errorCode: z.string().nullable(), error: z.string().nullable(), lastAttemptAt: z.string().nullable(), gitlabWebUrl: z.string().nullable() })
  .meta({ id: 'GitPushState' });
