import { parse } from 'csv-parse/sync';

/**
 * Parses CSV text with a header row into { columns, rows }. Handles quotes, embedded line
 * breaks, a byte order mark and ragged lines; values are kept exactly as written. Rows are plain objects keyed by column name.
 */
export function parseCsv(text) {
  const lines = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
  if (lines.length === 0) return { columns: [], rows: [] };
  const columns = lines[0].map((name, index) => name || `column${index + 1}`);
  const rows = lines.slice(1).map((line) => Object.fromEntries(columns.map((column, index) => [column, line[index] ?? ''])));
  return { columns, rows };
}

/** True when every non-empty value of `column` reads as a number (and at least one does). */
export function isNumericColumn(rows, column) {
  let seen = 0;
  for (const row of rows) {
    const value = row[column];
    if (value === '' || value === undefined) continue;
    if (!Number.isFinite(Number(value))) return false;
    seen += 1;
  }
  return seen > 0;
}
