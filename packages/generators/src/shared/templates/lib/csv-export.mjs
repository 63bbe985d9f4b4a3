const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: quoted when it holds a comma, quote or line break, and prefixed with a quote
 * mark when it starts like a formula (=, +, -, @), so spreadsheets never run it.
 */
export function csvCell(value) {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV text (RFC 4180, CRLF line ends): a header row (`header`, by default the `columns`
 * themselves) and one line per row with the values of `columns`.
 */
export function toCsv(columns, rows, header = columns) {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) {
    lines.push(columns.map((column) => csvCell(Object.hasOwn(row, column) ? row[column] : '')).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
