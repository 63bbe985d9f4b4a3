import { isNumericColumn } from './lib/csv-read.mjs';
import { t } from './lib/i18n.mjs';
import { readSource } from './lib/sources.mjs';

const MAX_TABLE_ROWS = 200;

function cell(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

/** Columns of the rows: those of a CSV header, or the keys of the first JSON items. */
function columnsOf(items, columns) {
  if (columns) return columns;
  const seen = new Set();
  for (const item of items.slice(0, 50)) for (const key of Object.keys(item)) seen.add(key);
  return [...seen];
}

/**
 * What the chart shows: the first text column as labels and the sum of the first numeric
 * column per label (or the number of rows per label when no column is numeric).
 */
export function chartOf(columns, rows) {
  const value = columns.find((column) => isNumericColumn(rows, column));
  const label = columns.find((column) => column !== value && !isNumericColumn(rows, column)) ?? columns[0];
  if (!label) return { label: null, value: null, bars: [] };
  const totals = new Map();
  for (const row of rows) {
    const key = String(cell(row[label]) || t('common.emptyValue'));
    totals.set(key, (totals.get(key) ?? 0) + (value ? Number(row[value]) || 0 : 1));
  }
  const bars = [...totals].map(([name, total]) => ({ label: name, value: total })).sort((a, b) => b.value - a.value);
  return { label, value, bars };
}

/** Reads every source and shapes it for the page and for /api/data. */
export async function loadData(definition, config) {
  const sources = [];
  for (const source of definition.sources) {
    const location = config.settings[source.setting];
    try {
      const { items, columns } = await readSource(source, location, config.dataDir);
      const rows = items.map((item) => Object.fromEntries(Object.entries(item).map(([key, value]) => [key, cell(value)])));
      const names = columnsOf(rows, columns);
      const numeric = names.filter((column) => isNumericColumn(rows, column));
      sources.push({ label: source.label, type: source.type, columns: names, numeric, rows: rows.slice(0, MAX_TABLE_ROWS), total: rows.length, chart: chartOf(names, rows) });
    } catch (error) {
      sources.push({ label: source.label, type: source.type, columns: [], rows: [], total: 0, error: error.message });
    }
  }
  return { refreshedAt: new Date().toISOString(), sources };
}
