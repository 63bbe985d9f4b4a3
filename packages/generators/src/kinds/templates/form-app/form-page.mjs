import { escapeHtml, page, table } from './lib/html.mjs';

const INPUT_TYPES = { string: 'text', number: 'number', integer: 'number', date: 'date', datetime: 'datetime-local', email: 'email', url: 'url' };

/** One form control with the HTML5 attributes that let the browser check it before sending. */
function control(field, value) {
  const id = `field-${field.name}`;
  const required = field.required ? ' required' : '';
  const label = `<label for="${id}">${escapeHtml(field.label || field.name)}${field.required ? ' *' : ''}</label>`;
  const current = value === undefined || value === null ? '' : String(value);
  if (field.type === 'text') {
    return `${label}<textarea id="${id}" name="${field.name}" rows="4" maxlength="100000"${required}>${escapeHtml(current)}</textarea>`;
  }
  if (field.type === 'boolean') {
    return `${label}<input id="${id}" type="checkbox" name="${field.name}"${value === true ? ' checked' : ''}>`;
  }
  if (field.type === 'enum') {
    const options = field.values
      .map((option) => `<option value="${escapeHtml(option)}"${option === current ? ' selected' : ''}>${escapeHtml(option)}</option>`)
      .join('');
    return `${label}<select id="${id}" name="${field.name}"${required}><option value="">Choose…</option>${options}</select>`;
  }
  const extra = field.type === 'integer' ? ' step="1"' : field.type === 'number' ? ' step="any"' : field.type === 'string' ? ' maxlength="1000"' : '';
  return `${label}<input id="${id}" type="${INPUT_TYPES[field.type]}" name="${field.name}" value="${escapeHtml(current)}"${extra}${required}>`;
}

/** The form page; `errors` and `values` come back from a submission the server refused. */
export function formPage(definition, { errors = [], values = {}, submitted = false } = {}) {
  const problems = errors.length
    ? `<div class="error" role="alert"><p>Please correct:</p><ul>${errors.map((error) => `<li>${escapeHtml(error.field)} ${escapeHtml(error.message)}</li>`).join('')}</ul></div>`
    : '';
  const thanks = submitted ? '<p class="ok" role="status">Thank you, your answer was saved.</p>' : '';
  const controls = definition.form.fields
    .map((field) => `<div class="field">${control(field, Object.hasOwn(values, field.name) ? values[field.name] : undefined)}</div>`)
    .join('\n');
  const body = `<section>${thanks}${problems}
<form method="post" action="/submit">
${controls}
<button type="submit">Send</button>
</form></section>`;
  return page({ title: definition.title, summary: definition.summary, body });
}

export function submissionsPage(definition, submissions) {
  const columns = ['createdAt', ...definition.form.fields.map((field) => field.name)];
  const body = `<section><p>${submissions.length} submission(s). <a href="/submissions.csv">Download as CSV</a></p>${table(columns, submissions)}</section>`;
  return page({ title: `${definition.title} — submissions`, body });
}
