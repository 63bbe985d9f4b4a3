export const AUDIT_COLUMNS = ['seq', 'at', 'actorType', 'actorId', 'action', 'targetType', 'targetId', 'result', 'statusCode', 'ip', 'requestId', 'details', 'hash', 'id'] as const;

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsvRow(row: Record<(typeof AUDIT_COLUMNS)[number], unknown>): string {
  return `${AUDIT_COLUMNS.map((column) => cell(row[column])).join(',')}\n`;
}
