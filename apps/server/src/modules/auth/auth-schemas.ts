import { z } from 'zod';
import { ROLES } from '../../db/schema.js';

export const email = z.string().trim().max(254).pipe(z.email({ message: 'must be an e-mail address such as ana@example.com' }));
export const password = z.string().min(1).max(1024);
export const roleSchema = z.enum(ROLES);

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(roleSchema),
    status: z.enum(['active', 'disabled']),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: 'User' });

export const organizationSchema = z.object({ id: z.string(), name: z.string(), slug: z.string(), createdAt: z.string() }).meta({ id: 'Organization' });

export const sessionResponse = z.object({
  token: z.string().describe('Access token (JWT) for "Authorization: Bearer"'),
  refreshToken: z.string().describe('Trade at POST /api/v1/auth/refresh for a new pair; shown once'),
  expiresIn: z.number().int().describe('Access token lifetime in seconds'),
  user: userSchema,
  organization: organizationSchema,
  csrfToken: z.string().optional().describe('Send as X-CSRF-Token with unsafe requests when using the session cookie'),
});
