import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from './lib/files.mjs';
import { t } from './lib/i18n.mjs';
import { itemId, readSource } from './lib/sources.mjs';

const REMEMBERED_PER_SOURCE = 5000;

function summarise(items) {
  return items
    .slice(0, 50)
    .map((item) => `- ${item.title ?? item.name ?? item.id ?? JSON.stringify(item).slice(0, 120)}${item.link ? ` ${item.link}` : ''}`)
    .join('\n');
}

/**
 * One run of the automation: read every source, keep only the items not seen in an earlier
 * run (identities are kept in <dataDir>/seen.json), and send the new ones to the outputs.
 */
export function createJob(definition, config, notify) {
  const seenFile = join(config.dataDir, 'seen.json');

  return async function runJob() {
    const seen = await readJsonFile(seenFile, {});
    const fresh = [];
    const sources = [];
    for (const source of definition.sources) {
      const known = new Set(Object.hasOwn(seen, source.setting) ? seen[source.setting] : []);
      try {
        const { items } = await readSource(source, config.settings[source.setting], config.dataDir);
        const added = items.filter((item) => !known.has(itemId(item)));
        fresh.push(...added);
        seen[source.setting] = [...known, ...added.map(itemId)].slice(-REMEMBERED_PER_SOURCE);
        sources.push({ label: source.label, fetched: items.length, new: added.length });
      } catch (error) {
        sources.push({ label: source.label, fetched: 0, new: 0, error: error.message });
      }
    }
    const notifications = fresh.length
      ? await notify({ subject: t('automation.mailSubject', { title: definition.title, count: fresh.length }), text: summarise(fresh), data: { items: fresh } })
      : [];
    await writeFileAtomic(seenFile, JSON.stringify(seen, null, 2));
    const failed = sources.filter((source) => source.error);
    if (failed.length > 0 && failed.length === sources.length) {
      throw Object.assign(new Error(failed.map((source) => `${source.label}: ${source.error}`).join('; ')), { details: { newItems: 0, sources } });
    }
    return { newItems: fresh.length, sources, notifications };
  };
}
