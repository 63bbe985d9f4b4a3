import { setInterval, clearInterval } from 'node:timers';
import { definition } from './definition.mjs';
import { createAuthenticator } from './lib/auth.mjs';
import { barChart, escapeHtml, page, table } from './lib/html.mjs';
import { addHealthRoute, createRouter } from './lib/http.mjs';
import { formatDateTime, formatNumber, t } from './lib/i18n.mjs';
import { log } from './lib/log.mjs';
import { startSchedule } from './lib/schedule.mjs';
import { loadData } from './dashboard.mjs';

/** A row as people read it: the numbers of numeric columns in the app's locale. */
function localised(row, numeric) {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [column, numeric.includes(column) && value !== '' ? formatNumber(value) : value]));
}

function sourceSection(source) {
  if (source.error) return `<section><h2>${escapeHtml(source.label)}</h2><p class="error">${escapeHtml(t('dashboard.sourceError', { error: source.error }))}</p></section>`;
  const { chart } = source;
  const caption = chart.value ? t('dashboard.valueBy', { value: chart.value, label: chart.label }) : t('dashboard.rowsBy', { label: chart.label });
  const count = t('dashboard.rows', { count: source.total }) + (source.total > source.rows.length ? t('dashboard.firstShown', { shown: source.rows.length }) : '');
  return `<section>
<h2>${escapeHtml(source.label)}</h2>
${chart.bars.length ? `<figure><figcaption class="muted">${escapeHtml(caption)}</figcaption>${barChart(chart.bars, { title: caption })}</figure>` : ''}
<p class="muted">${escapeHtml(count)}</p>
${table(source.columns, source.rows.map((row) => localised(row, source.numeric)))}
</section>`;
}

function dashboardPage(data) {
  const body = `${data.sources.map(sourceSection).join('\n')}
<p class="muted">${escapeHtml(t('dashboard.refreshed', { time: formatDateTime(data.refreshedAt) }))} ${escapeHtml(t('dashboard.dataAsJson'))} <a href="/api/data">/api/data</a></p>`;
  return page({ title: definition.title, summary: definition.summary, body });
}

/** The dashboard at /, its data at /api/data; the sources are read again on the schedule. */
export async function createApp(config) {
  const router = createRouter({ authenticate: createAuthenticator(definition.auth, config.settings) });
  let data = { refreshedAt: null, sources: [] };

  async function refresh() {
    data = await loadData(definition, config);
    log.info('data refreshed', { sources: data.sources.map((source) => ({ label: source.label, rows: source.total, error: source.error })) });
    return data;
  }
  // The first read runs in the background so the app answers /healthz at once; pages wait for it.
  const firstLoad = refresh().catch((error) => log.error('could not read the sources', { error: error.message }));

  const cron = config.settings.SCHEDULE_CRON;
  const schedule = startSchedule(cron, config.settings.SCHEDULE_TIMEZONE, refresh);
  const minutes = Number(config.settings.REFRESH_MINUTES);
  const timer = !cron && minutes > 0 ? setInterval(() => refresh().catch(() => {}), minutes * 60_000) : undefined;
  timer?.unref();

  addHealthRoute(router, async () => ({ refreshedAt: data.refreshedAt }));
  router.add('GET', '/', async () => {
    await firstLoad;
    return { html: dashboardPage(data) };
  });
  router.add('GET', '/api/data', async () => {
    await firstLoad;
    return { json: { ...data, nextRefresh: schedule.next() } };
  });
  router.add('POST', '/api/refresh', async () => ({ json: await refresh() }));

  return {
    handle: router.handle,
    close: async () => {
      await firstLoad;
      schedule.stop();
      if (timer) clearInterval(timer);
    },
  };
}
