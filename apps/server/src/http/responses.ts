import { z } from 'zod';
import { problemSchema } from '../errors/problem.js';

/** Add the problem+json responses a route can give, so the OpenAPI document lists them. */
export function withErrors<T extends Record<number, z.ZodType>>(ok: T, statuses: number[] = []): T & Record<number, z.ZodType> {
  const all = new Set([400, 401, 403, 429, 500, ...statuses]);
  const result: Record<number, z.ZodType> = { ...ok };
  for (const status of all) result[status] = problemSchema.describe(`Problem (RFC 9457), code per status ${status}`);
  return result as T & Record<number, z.ZodType>;
}

export const idParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) }).strict();

export const pagination = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** Timestamps leave the API as ISO 8601 strings. */
export const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();
export const isoOrNull = (value: Date | string | null | undefined): string | null => (value ? iso(value) : null);

/** Query parameters from web forms arrive as `?kind=` when left empty: treat those as not given. */
export const optionalQuery = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
