import { formatNumber, language, t } from './i18n.mjs';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. Everything shown on a page goes through it. */
export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; color: #1f2933; background: #f5f7fa; }
  header { background: #243b53; color: white; padding: 1rem 2rem; }
  header p { margin: 0.25rem 0 0; opacity: 0.8; }
  main { padding: 1rem 2rem; max-width: 72rem; }
  section { background: white; border-radius: 6px; padding: 1rem; margin-bottom: 1rem; box-shadow: 0 1px 2px #0002; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
  label { display: block; margin-top: 0.75rem; font-weight: 600; }
  input, select, textarea { font: inherit; padding: 0.35rem; width: 100%; max-width: 32rem; box-sizing: border-box; }
  input[type=checkbox] { width: auto; }
  button { display: block; margin-top: 1rem; padding: 0.5rem 1.25rem; font: inherit; background: #243b53; color: white; border: 0; border-radius: 4px; }
  .error { color: #b91c1c; }
  .ok { color: #15803d; }
  .muted { color: #616e7c; }
`;

/** A complete HTML page: the title and summary in a header, `body` (already escaped HTML) below. */
export function page({ title, summary = '', body }) {
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1>${summary ? `<p>${escapeHtml(summary)}</p>` : ''}</header>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * An HTML table of `rows` (objects). Each column is a key of the rows, or { key, label } to show
 * a label in the header instead of the key.
 */
export function table(columns, rows) {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(t('common.empty'))}</p>`;
  const shown = columns.map((column) => (typeof column === 'string' ? { key: column, label: column } : column));
  const head = shown.map((column) => `<th>${escapeHtml(column.label)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${shown.map(({ key }) => `<td>${escapeHtml(Object.hasOwn(row, key) ? row[key] : '')}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * A horizontal bar chart as inline SVG (no script, no network): `bars` is [{ label, value }].
 * Rendered on the server so the page works offline and in any browser.
 */
export function barChart(bars, { title = '' } = {}) {
  if (bars.length === 0) return '';
  const shown = bars.slice(0, 20);
  const max = Math.max(...shown.map((bar) => Math.abs(bar.value)), 1);
  const rowHeight = 24;
  const labelWidth = 180;
  const chartWidth = 420;
  const height = shown.length * rowHeight + 10;
  const rows = shown
    .map((bar, index) => {
      const width = Math.max(1, Math.round((Math.abs(bar.value) / max) * chartWidth));
      const y = index * rowHeight + 5;
      const label = String(bar.label).length > 28 ? `${String(bar.label).slice(0, 27)}…` : String(bar.label);
      return [
        `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${width}" height="${rowHeight - 6}" fill="#486581"><title>${escapeHtml(bar.label)}: ${escapeHtml(formatNumber(bar.value))}</title></rect>`,
        `<text x="${labelWidth + width + 6}" y="${y + 15}">${escapeHtml(formatNumber(bar.value))}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg" width="${labelWidth + chartWidth + 80}" height="${height}" font-size="12" font-family="system-ui, sans-serif">
${rows}
</svg>`;
}
