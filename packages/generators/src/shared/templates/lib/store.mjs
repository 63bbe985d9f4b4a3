import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from './files.mjs';

/**
 * A collection of records kept in memory and saved to `<dataDir>/<name>.json` after every
 * change (write-then-rename, so a crash never leaves half a file). Writes are queued so two
 * requests never save at the same time. Fine for the few thousand records of an internal tool.
 */
export async function openCollection(dataDir, name) {
  const file = join(dataDir, `${name}.json`);
  const saved = await readJsonFile(file, { records: [] });
  const records = new Map(saved.records.map((record) => [record.id, record]));
  let queue = Promise.resolve();

  function save() {
    const snapshot = JSON.stringify({ records: [...records.values()] }, null, 2);
    queue = queue.then(() => writeFileAtomic(file, snapshot));
    return queue;
  }

  return {
    list() {
      return [...records.values()];
    },
    get(id) {
      return records.get(id);
    },
    async insert(values) {
      const now = new Date().toISOString();
      const record = { id: randomUUID(), ...values, createdAt: now, updatedAt: now };
      records.set(record.id, record);
      await save();
      return record;
    },
    async replace(id, values) {
      const existing = records.get(id);
      if (!existing) return undefined;
      const record = { id, ...values, createdAt: existing.createdAt, updatedAt: new Date().toISOString() };
      records.set(id, record);
      await save();
      return record;
    },
    async remove(id) {
      const existed = records.delete(id);
      if (existed) await save();
      return existed;
    },
    /** Resolves when everything written so far is on disk. */
    flush() {
      return queue;
    },
  };
}
