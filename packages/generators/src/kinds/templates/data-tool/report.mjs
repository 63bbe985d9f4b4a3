import { isNumericColumn } from './lib/csv-read.mjs';
import { t } from './lib/i18n.mjs';

function round(value) {
  return Math.round(value * 10000) / 10000;
}

function list(setting) {
  return String(setting ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * Groups the rows by one column and sums and averages the numeric ones.
 * GROUP_BY and MEASURES name the columns; when empty, the first text column is the group
 * and every numeric column is a measure. Returns a report object (see /api/report).
 */
export function buildReport(columns, rows, settings) {
  const wantedMeasures = list(settings.MEASURES);
  const measures = (wantedMeasures.length ? wantedMeasures : columns.filter((column) => isNumericColumn(rows, column))).filter((column) => columns.includes(column));
  const groupBy = settings.GROUP_BY || columns.find((column) => !measures.includes(column)) || null;
  if (settings.GROUP_BY && !columns.includes(settings.GROUP_BY)) {
    throw new Error(t('report.noGroupColumn', { column: settings.GROUP_BY, columns: columns.join(', ') }));
  }
  const groups = new Map();
  const totals = { key: '(all)', count: 0, sums: measures.map(() => 0), counted: measures.map(() => 0) };
  for (const row of rows) {
    const key = groupBy ? String(row[groupBy] ?? '') || '(empty)' : '(all)';
    if (!groups.has(key)) groups.set(key, { key, count: 0, sums: measures.map(() => 0), counted: measures.map(() => 0) });
    for (const target of [groups.get(key), totals]) {
      target.count += 1;
      measures.forEach((measure, index) => {
        const value = Number(row[measure]);
        if (row[measure] !== '' && Number.isFinite(value)) {
          target.sums[index] += value;
          target.counted[index] += 1;
        }
      });
    }
  }
  const shape = (group) => ({
    key: group.key,
    count: group.count,
    measures: measures.map((column, index) => ({
      column,
      sum: round(group.sums[index]),
      average: group.counted[index] ? round(group.sums[index] / group.counted[index]) : null,
    })),
  });
  return {
    createdAt: new Date().toISOString(),
    groupBy,
    measures,
    rowCount: rows.length,
    groups: [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)).map(shape),
    totals: shape(totals),
  };
}

/** How a group key reads: the markers of buildReport in the app's language. */
export function groupName(key) {
  if (key === '(all)') return t('common.all');
  if (key === '(empty)') return t('common.emptyValue');
  return key;
}

/**
 * The report as rows: one per group, then the totals. `columns` are { key, label }: the labels
 * name the CSV columns by `labelOf(column)` (the field labels of the app), never by identifiers.
 */
export function reportRows(report, labelOf = (column) => column) {
  const columns = [
    { key: 'group', label: report.groupBy ? labelOf(report.groupBy) : t('report.group') },
    { key: 'count', label: t('report.count') },
    ...report.measures.flatMap((measure, index) => [
      { key: `sum-${index}`, label: t('report.sum', { column: labelOf(measure) }) },
      { key: `average-${index}`, label: t('report.average', { column: labelOf(measure) }) },
    ]),
  ];
  const row = (group, name) =>
    Object.fromEntries([
      ['group', name],
      ['count', group.count],
      ...group.measures.flatMap((measure, index) => [
        [`sum-${index}`, measure.sum],
        [`average-${index}`, measure.average ?? ''],
      ]),
    ]);
  const rows = [...report.groups.map((group) => row(group, groupName(group.key))), row(report.totals, t('report.total'))];
  return { columns, rows };
}
