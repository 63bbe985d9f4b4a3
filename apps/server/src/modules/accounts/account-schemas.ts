import { z } from 'zod';
import { ROLES } from './accounts-tables.js';

export const email = z.string().trim().max(254).pipe(z.email({ message: 'must be an e-mail address such as ana@example.com' }));
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
    language: z.enum(['en', 'pl']).nullable().describe('The language of mail written to this person (announcements); null: the organisation’s default'),
  })
  .meta({ id: 'User' });

export const organizationSchema = z.object({ id: z.string(), name: z.string(), slug: z.string(), createdAt: z.string() }).meta({ id: 'Organization' });
