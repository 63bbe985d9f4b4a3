/* global fetch, AbortSignal */
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { definition } from './definition.mjs';
import { createAuthenticator } from './lib/auth.mjs';
import { toCsv } from './lib/csv-export.mjs';
import { parseCsv } from './lib/csv-read.mjs';
import { readJsonFile, resolveInDataDir, writeFileAtomic } from './lib/files.mjs';
import { barChart, escapeHtml, page, table } from './lib/html.mjs';
import { HttpError, addHealthRoute, createRouter } from './lib/http.mjs';
import { formatDateTime, formatNumber, t } from './lib/i18n.mjs';
import { createNotifier } from './lib/notify.mjs';
import { createJobRunner } from './lib/runs.mjs';
import { startSchedule } from './lib/schedule.mjs';
import { buildReport, groupName, reportRows } from './report.mjs';

const LABELS = new Map(definition.columnLabels);
const labelOf = (column) => LABELS.get(column) ?? column;

/** The report as CSV: labelled header, values as computed (plain numbers). */
function reportCsv(report) {
  const { columns, rows } = reportRows(report, labelOf);
  return toCsv(columns.map((column) => column.key), rows, columns.map((column) => column.label));
}

async function readInput(config) {
  const location = config.settings.INPUT;
  if (/^https?:\/\//i.test(location)) {
    const response = await fetch(location, { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(t('report.answered', { location, status: response.status }));
    return response.text();
  }
  // a file the deploy agent granted outside the data directory: read only, by its absolute path
  const onWorkstation = definition.inputOnWorkstation && isAbsolute(location);
  try {
    return await readFile(onWorkstation ? location : resolveInDataDir(config.dataDir, location), 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error(t('report.inputMissing', { location }));
    throw error;
  }
}

function statusPage(report, runs, nextRun) {
  let reportSection = `<p class="muted">${escapeHtml(t('report.noReport'))}</p>`;
  if (report) {
    const { columns, rows } = reportRows(report, labelOf);
    const shown = rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'number' ? formatNumber(value) : value])));
    const first = report.measures[0];
    const bars = report.groups.map((group) => ({ label: groupName(group.key), value: first ? group.measures[0].sum : group.count }));
    const grouped = t('report.grouped', { count: report.rowCount });
    const made = t('report.made', { time: formatDateTime(report.createdAt) });
    reportSection = `<p>${escapeHtml(grouped)} <strong>${escapeHtml(report.groupBy ? labelOf(report.groupBy) : t('report.nothing'))}</strong>${escapeHtml(made)} <a href="/reports/latest.csv">${escapeHtml(t('report.downloadCsv'))}</a></p>
${barChart(bars, { title: first ? t('report.chartMeasure', { measure: labelOf(first) }) : t('report.chartRows') })}
${table(columns, shown)}`;
  }
  const runRows = runs.map((run) => ({
    started: formatDateTime(run.startedAt),
    trigger: t(`runs.${run.trigger}`),
    result: run.ok ? t('runs.ok') : t('runs.failed', { error: run.error }),
    rows: run.rowCount === undefined ? '' : formatNumber(run.rowCount),
  }));
  const runColumns = ['started', 'trigger', 'result', 'rows'].map((key) => ({ key, label: t(`runs.${key}`) }));
  const body = `<section>
<p>${escapeHtml(t('runs.scheduleLabel'))} ${escapeHtml(nextRun ? t('runs.nextRun', { time: formatDateTime(nextRun) }) : t('runs.notScheduled'))}</p>
<form method="post" action="/run"><button type="submit">${escapeHtml(t('runs.runNow'))}</button></form>
</section>
<section><h2>${escapeHtml(t('report.latest'))}</h2>${reportSection}</section>
<section><h2>${escapeHtml(t('runs.lastRuns'))}</h2>${table(runColumns, runRows)}</section>`;
  return page({ title: definition.title, summary: definition.summary, body });
}

/** Reads the CSV input, writes a grouped report to <dataDir>/reports, sends it to the outputs. */
export async function createApp(config) {
  const router = createRouter({ authenticate: createAuthenticator(definition.auth, config.settings) });
  const notify = createNotifier(definition, config);
  const latestFile = resolveInDataDir(config.dataDir, 'reports/latest.json');
  let latest = await readJsonFile(latestFile, null);

  async function makeReport() {
    const { columns, rows } = parseCsv(await readInput(config));
    const report = buildReport(columns, rows, config.settings);
    const csv = reportCsv(report);
    const stamp = report.createdAt.replace(/[:.]/g, '-');
    await writeFileAtomic(resolveInDataDir(config.dataDir, `reports/report-${stamp}.csv`), csv);
    await writeFileAtomic(latestFile, JSON.stringify(report, null, 2));
    latest = report;
    const notifications = await notify({
      subject: t('report.mailSubject', { title: definition.title, count: report.rowCount }),
      text: t('report.mailText', { group: report.groupBy ? labelOf(report.groupBy) : t('report.nothing'), count: report.groups.length }),
      data: report,
      attachments: [{ filename: `${t('report.fileName')}-${stamp}.csv`, content: csv, contentType: 'text/csv' }],
    });
    return { rowCount: report.rowCount, groups: report.groups.length, notifications };
  }

  const runner = await createJobRunner(config.dataDir, makeReport);
  const schedule = startSchedule(config.settings.SCHEDULE_CRON, config.settings.SCHEDULE_TIMEZONE, () => runner.run('schedule'));

  addHealthRoute(router);
  router.add('GET', '/', () => ({ html: statusPage(latest, runner.runs(), schedule.next()) }));
  router.add('GET', '/api/runs', () => ({ json: { items: runner.runs(), nextRun: schedule.next() } }));
  router.add('GET', '/api/report', () => {
    if (!latest) throw new HttpError(404, t('report.noReportTitle'), t('report.runOnce'));
    return { json: latest };
  });
  router.add('GET', '/reports/latest.csv', () => {
    if (!latest) throw new HttpError(404, t('report.noReportTitle'), t('report.runOnce'));
    return { csv: reportCsv(latest) };
  });
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
