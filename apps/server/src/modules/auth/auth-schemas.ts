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
