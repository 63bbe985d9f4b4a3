import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from './files.mjs';

const KEEP_RUNS = 50;

/**
 * Runs `job` one at a time (manual and scheduled runs queue behind each other) and keeps the
 * last runs in `<dataDir>/runs.json`: when, what triggered it, what it did, what failed.
 * A failing job may attach `details` to its error; they are kept in the run record.
 */
export async function createJobRunner(dataDir, job) {
  const file = join(dataDir, 'runs.json');
  const history = await readJsonFile(file, { runs: [] });
  let queue = Promise.resolve();

  async function execute(trigger) {
    const startedAt = new Date();
    let run;
    try {
      run = { ok: true, ...(await job()) };
    } catch (error) {
      run = { ok: false, error: error.message, ...error.details };
    }
    const finishedAt = new Date();
    const record = { id: randomUUID(), trigger, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), durationMs: finishedAt - startedAt, ...run };
    history.runs = [record, ...history.runs].slice(0, KEEP_RUNS);
    await writeFileAtomic(file, JSON.stringify(history, null, 2));
    return record;
  }

  return {
    run(trigger) {
      const result = queue.then(() => execute(trigger));
      queue = result.catch(() => {});
      return result;
    },
    runs: () => history.runs,
    idle: () => queue,
  };
}
