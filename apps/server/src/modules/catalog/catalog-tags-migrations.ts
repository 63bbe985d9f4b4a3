import type { Kysely } from 'kysely';
import { appSpecSchema, tagsFor } from '@marketplace/spec';

/**
 * Catalog tags became words in the app's language (decision 0071: `formularz`, `wniosek urlopowy`
 * instead of `form-app`, `leave request`). Apps published before keep their tags until their next
 * version, so the tags of every app whose stored spec is a valid one are said again from that spec.
 * An app whose spec does not parse (written by hand, an older format) keeps its tags.
 */
export const catalogTagsMigrations = [
  {
    name: '1700_catalog_tags_in_words',
    async up(db: Kysely<any>): Promise<void> {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows: { id: string; spec: unknown }[] = await db.selectFrom('apps').select(['id', 'spec']).where('id', '>', after).orderBy('id').limit(500).execute();
        for (const row of rows) {
          const parsed = appSpecSchema.safeParse(typeof row.spec === 'string' ? JSON.parse(row.spec) : row.spec);
          if (!parsed.success || parsed.data.summary.trim() === '') continue;
          await db.updateTable('apps').set({ tags: tagsFor(parsed.data) }).where('id', '=', row.id).execute();
        }
        if (rows.length < 500) return;
        after = rows[rows.length - 1]!.id;
      }
    },
  },
];
