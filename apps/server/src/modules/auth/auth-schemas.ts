import { z } from 'zod';
import { organizationSchema, userSchema } from '../accounts/account-schemas.js';

export const password = z.string().min(1).max(1024);

/**
 * A signed-in session. With `cookie: true` (the web UI) the tokens are only in httpOnly cookies: an
 * answer a page's script can read holds neither, so a script injected into the page cannot carry
 * them away (decision 0076).
 */
export const sessionResponse = z.object({
  token: z.string().optional().describe('Access token (JWT) for "Authorization: Bearer". Absent with cookie: true (it is in the httpOnly session cookie)'),
  refreshToken: z.string().optional().describe('Trade at POST /api/v1/auth/refresh for a new pair; shown once. Absent with cookie: true (it is in the httpOnly refresh cookie)'),
  expiresIn: z.number().int().describe('Access token lifetime in seconds'),
  user: userSchema,
  organization: organizationSchema,
  csrfToken: z.string().optional().describe('Send as X-CSRF-Token with unsafe requests when using the session cookie'),
});

/** A refresh's answer: traded with the cookie, the tokens are only in cookies (decision 0076). */
export const refreshResponse = sessionResponse.extend({
  token: z.string().optional().describe('Access token (JWT) for "Authorization: Bearer". Absent when the refresh token came in the cookie (the new one is in the httpOnly session cookie)'),
  refreshToken: z.string().optional().describe('Trade at POST /api/v1/auth/refresh for a new pair; shown once. Absent when the refresh token came in the cookie (the new one, if any, is in the httpOnly refresh cookie)'),
});
