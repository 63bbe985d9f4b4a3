import { definition } from './definition.mjs';
import { createAuthenticator } from './lib/auth.mjs';
import { escapeHtml, page, table } from './lib/html.mjs';
import { addHealthRoute, createRouter } from './lib/http.mjs';
import { formatDateTime, formatNumber, t } from './lib/i18n.mjs';
import { createMcpClient, mcpToolLabel } from './lib/mcp.mjs';
import { createNotifier } from './lib/notify.mjs';
import { createJobRunner } from './lib/runs.mjs';
import { startSchedule } from './lib/schedule.mjs';
import { createJob } from './job.mjs';

const RUN_COLUMNS = ['started', 'trigger', 'result', 'newItems', 'sources'];

function statusPage(runs, cron, nextRun) {
  const rows = runs.map((run) => ({
    started: formatDateTime(run.startedAt),
    trigger: t(`runs.${run.trigger}`),
    result: run.ok ? t('runs.ok') : t('runs.failed', { error: run.error }),
    newItems: formatNumber(run.newItems ?? 0),
    sources: (run.sources ?? []).map((source) => `${source.label}: ${source.error ? source.error : `${source.new}/${source.fetched}`}`).join('; '),
  }));
  const tools = (use) => (definition.mcpTools ?? []).filter((tool) => tool.use === use).map((tool) => `<li>${escapeHtml(mcpToolLabel(tool, use))}</li>`).join('');
  const sources = definition.sources.map((source) => `<li>${escapeHtml(source.label)}: <code>${escapeHtml(source.setting)}</code></li>`).join('') + tools('source');
  const outputs =
    definition.outputs.map((output) => `<li>${escapeHtml(t(`automation.outputTypes.${output.type}`))}${output.setting ? ` (${escapeHtml(output.setting)})` : ''}</li>`).join('') + tools('output');
  const next = nextRun ? t('runs.nextRun', { time: formatDateTime(nextRun) }) : t('runs.notScheduled');
  const body = `<section>
<p>${escapeHtml(t('runs.scheduleLabel'))} <code>${escapeHtml(cron || t('runs.off'))}</code> — ${escapeHtml(next)}</p>
<form method="post" action="/run"><button type="submit">${escapeHtml(t('runs.runNow'))}</button></form>
</section>
<section><h2>${escapeHtml(t('automation.sources'))}</h2><ul>${sources}</ul><h2>${escapeHtml(t('automation.outputs'))}</h2><ul>${outputs || `<li>${escapeHtml(t('common.none'))}</li>`}</ul></section>
<section><h2>${escapeHtml(t('runs.lastRuns'))}</h2>${table(RUN_COLUMNS.map((key) => ({ key, label: t(`runs.${key}`) })), rows)}</section>`;
  return page({ title: definition.title, summary: definition.summary, body });
}

/** The status page at /, the runs at /api/runs, POST /run for a run now; runs on SCHEDULE_CRON. */
export async function createApp(config) {
  const router = createRouter({ authenticate: createAuthenticator(definition.auth, config.settings) });
  const runner = await createJobRunner(config.dataDir, createJob(definition, config, createNotifier(definition, config), createMcpClient()));
  const schedule = startSchedule(config.settings.SCHEDULE_CRON, config.settings.SCHEDULE_TIMEZONE, () => runner.run('schedule'));

  addHealthRoute(router, async () => ({ lastRun: runner.runs()[0]?.finishedAt ?? null }));
  router.add('GET', '/', () => ({ html: statusPage(runner.runs(), config.settings.SCHEDULE_CRON, schedule.next()) }));
  router.add('GET', '/api/runs', () => ({ json: { items: runner.runs(), nextRun: schedule.next() } }));
  router.add('POST', '/run', async ({ req }) => {
    const run = await runner.run('manual');
    const fromForm = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    return fromForm ? { redirect: '/' } : { status: run.ok ? 200 : 502, json: run };
  });

  return {
    handle: router.handle,
    close: async () => {
      schedule.stop();
      await runner.idle();
    },
  };
}
