import { z } from 'zod';
import { organizationSchema, userSchema } from '../accounts/account-schemas.js';

export const password = z.string().min(1).max(1024);

export const sessionResponse = z.object({
  token: z.string().describe('Access token (JWT) for "Authorization: Bearer"'),
  refreshToken: z.string().describe('Trade at POST /api/v1/auth/refresh for a new pair; shown once'),
  expiresIn: z.number().int().describe('Access token lifetime in seconds'),
  user: userSchema,
  organization: organizationSchema,
  csrfToken: z.string().optional().describe('Send as X-CSRF-Token with unsafe requests when using the session cookie'),
});

/** A refresh's answer: a tab that raced another tab of its browser gets no refresh token (decision 0076). */
export const refreshResponse = sessionResponse.extend({
  refreshToken: z.string().optional().describe('Trade at POST /api/v1/auth/refresh for a new pair; shown once. Absent only when the refresh cookie was traded moments before by another tab of the same browser: the cookie the browser holds stays current'),
});
