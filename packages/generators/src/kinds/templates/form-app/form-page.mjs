import { escapeHtml, page, table } from './lib/html.mjs';
import { formatDateTime, formatValue, t } from './lib/i18n.mjs';

const INPUT_TYPES = { string: 'text', number: 'number', integer: 'number', date: 'date', datetime: 'datetime-local', email: 'email', url: 'url' };

/** One form control with the HTML5 attributes that let the browser check it before sending. */
function control(field, value) {
  const id = `field-${field.name}`;
  const required = field.required ? ' required' : '';
  const label = `<label for="${id}">${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>`;
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
    return `${label}<select id="${id}" name="${field.name}"${required}><option value="">${escapeHtml(t('form.choose'))}</option>${options}</select>`;
  }
  const extra = field.type === 'integer' ? ' step="1"' : field.type === 'number' ? ' step="any"' : field.type === 'string' ? ' maxlength="1000"' : '';
  return `${label}<input id="${id}" type="${INPUT_TYPES[field.type]}" name="${field.name}" value="${escapeHtml(current)}"${extra}${required}>`;
}

/** The form page; `errors` and `values` come back from a submission the server refused. */
export function formPage(definition, { errors = [], values = {}, submitted = false } = {}) {
  const labels = new Map(definition.form.fields.map((field) => [field.name, field.label]));
  const problem = (error) => t('form.fieldError', { label: labels.get(error.field) ?? error.field, message: error.message });
  const problems = errors.length
    ? `<div class="error" role="alert"><p>${escapeHtml(t('form.correct'))}</p><ul>${errors.map((error) => `<li>${escapeHtml(problem(error))}</li>`).join('')}</ul></div>`
    : '';
  const thanks = submitted ? `<p class="ok" role="status">${escapeHtml(t('form.thanks'))}</p>` : '';
  const controls = definition.form.fields
    .map((field) => `<div class="field">${control(field, Object.hasOwn(values, field.name) ? values[field.name] : undefined)}</div>`)
    .join('\n');
  const body = `<section>${thanks}${problems}
<form method="post" action="/submit">
${controls}
<button type="submit">${escapeHtml(t('form.send'))}</button>
</form></section>`;
  return page({ title: definition.title, summary: definition.summary, body });
}

/** The stored submissions as people read them: labels in the header, values in the app's locale. */
export function submissionsPage(definition, submissions) {
  const { fields } = definition.form;
  const columns = [{ key: 'createdAt', label: t('form.submittedAt') }, ...fields.map((field) => ({ key: field.name, label: field.label }))];
  const rows = submissions.map((submission) =>
    Object.fromEntries([
      ['createdAt', formatDateTime(submission.createdAt)],
      ...fields.map((field) => [field.name, formatValue(field, Object.hasOwn(submission, field.name) ? submission[field.name] : undefined)]),
    ]),
  );
  const count = escapeHtml(t('form.count', { count: submissions.length }));
  const body = `<section><p>${count} <a href="/submissions.csv">${escapeHtml(t('form.downloadCsv'))}</a></p>${table(columns, rows)}</section>`;
  return page({ title: t('form.submissionsTitle', { title: definition.title }), body });
}
