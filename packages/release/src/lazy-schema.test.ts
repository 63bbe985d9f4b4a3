import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { lazySchema } from './lazy-schema.js';

describe('lazySchema', () => {
  it('builds the schema on first use only, once, and parses and refuses as the schema itself does', () => {
    let builds = 0;
    const slug = lazySchema(() => {
      builds += 1;
      return z.string().regex(/^[a-z]+$/, { message: 'must be lower-case letters' });
    });
    expect(builds).toBe(0);
    expect(slug.parse('acme')).toBe('acme');
    const refused = slug.safeParse('ACME');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('must be lower-case letters');
    expect(builds).toBe(1);
  });

  it('works inside other schemas and with instanceof, as the real schema does', () => {
    const name = lazySchema(() => z.string().min(1));
    const app = lazySchema(() => z.object({ name, tags: z.array(name).optional() }).strict());
    expect(name).toBeInstanceOf(z.ZodString);
    expect(app).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(app.shape)).toEqual(['name', 'tags']);
    expect(app.parse({ name: 'a', tags: ['b'] })).toEqual({ name: 'a', tags: ['b'] });
    expect(app.safeParse({ name: '' }).success).toBe(false);
    expect(app.safeParse({ name: 'a', extra: 1 }).success).toBe(false);
    expect(name.optional().parse(undefined)).toBeUndefined();
  });
});
