/* global fetch, AbortSignal */
import { readFile } from 'node:fs/promises';
import { definition } from './definition.mjs';
import { createAuthenticator } from './lib/auth.mjs';
import { toCsv } from './lib/csv-export.mjs';
import { parseCsv } from './lib/csv-read.mjs';
import { readJsonFile, resolveInDataDir, writeFileAtomic } from './lib/files.mjs';
import { barChart, escapeHtml, page, table } from './lib/html.mjs';
import { HttpError, addHealthRoute, createRouter } from './lib/http.mjs';
import { createNotifier } from './lib/notify.mjs';
import { createJobRunner } from './lib/runs.mjs';
import { startSchedule } from './lib/schedule.mjs';
import { buildReport, reportRows } from './report.mjs';

async function readInput(config) {
  const location = config.settings.INPUT;
  if (/^https?:\/\//i.test(location)) {
    const response = await fetch(location, { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`${location} answered ${response.status}`);
    return response.text();
  }
  try {
    return await readFile(resolveInDataDir(config.dataDir, location), 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error(`the input file ${location} is not in the data directory yet; put the CSV there or change INPUT`);
    throw error;
  }
}

function statusPage(report, runs, nextRun) {
  let reportSection = '<p class="muted">No report yet: run the tool once.</p>';
  if (report) {
    const { columns, rows } = reportRows(report);
    const first = report.measures[0];
    const bars = report.groups.map((group) => ({ label: group.key, value: first ? group.measures[0].sum : group.count }));
    reportSection = `<p>${report.rowCount} row(s) grouped by <strong>${escapeHtml(report.groupBy ?? '(nothing)')}</strong>, made ${escapeHtml(report.createdAt)}. <a href="/reports/latest.csv">Download CSV</a></p>
${barChart(bars, { title: first ? `${first} by group` : 'rows by group' })}
${table(columns, rows)}`;
  }
  const runRows = runs.map((run) => ({ started: run.startedAt, trigger: run.trigger, result: run.ok ? 'ok' : `failed: ${run.error}`, rows: run.rowCount ?? '' }));
  const body = `<section>
<p>Schedule: ${nextRun ? `next run ${escapeHtml(nextRun)}` : 'not scheduled'}</p>
<form method="post" action="/run"><button type="submit">Run now</button></form>
</section>
<section><h2>Latest report</h2>${reportSection}</section>
<section><h2>Last runs</h2>${table(['started', 'trigger', 'result', 'rows'], runRows)}</section>`;
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
    const csv = toCsv(...Object.values(reportRows(report)));
    const stamp = report.createdAt.replace(/[:.]/g, '-');
    await writeFileAtomic(resolveInDataDir(config.dataDir, `reports/report-${stamp}.csv`), csv);
    await writeFileAtomic(latestFile, JSON.stringify(report, null, 2));
    latest = report;
    const notifications = await notify({
      subject: `${definition.title}: report of ${report.rowCount} row(s)`,
      text: `Grouped by ${report.groupBy}; ${report.groups.length} group(s). The report is attached as CSV.`,
      data: report,
      attachments: [{ filename: `report-${stamp}.csv`, content: csv, contentType: 'text/csv' }],
    });
    return { rowCount: report.rowCount, groups: report.groups.length, notifications };
  }

  const runner = await createJobRunner(config.dataDir, makeReport);
  const schedule = startSchedule(config.settings.SCHEDULE_CRON, config.settings.SCHEDULE_TIMEZONE, () => runner.run('schedule'));

  addHealthRoute(router);
  router.add('GET', '/', () => ({ html: statusPage(latest, runner.runs(), schedule.next()) }));
  router.add('GET', '/api/runs', () => ({ json: { items: runner.runs(), nextRun: schedule.next() } }));
  router.add('GET', '/api/report', () => {
    if (!latest) throw new HttpError(404, 'No report yet', 'Run the tool once with POST /run');
    return { json: latest };
  });
  router.add('GET', '/reports/latest.csv', () => {
    if (!latest) throw new HttpError(404, 'No report yet', 'Run the tool once with POST /run');
    return { csv: toCsv(...Object.values(reportRows(latest))) };
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
