import { definition } from './definition.mjs';
import { createAuthenticator } from './lib/auth.mjs';
import { toCsv } from './lib/csv-export.mjs';
import { HttpError, addHealthRoute, createRouter, readBody } from './lib/http.mjs';
import { formatValue, t } from './lib/i18n.mjs';
import { log } from './lib/log.mjs';
import { createNotifier } from './lib/notify.mjs';
import { openCollection } from './lib/store.mjs';
import { fromFormInput, validateRecord } from './lib/validate.mjs';
import { formPage, submissionsPage } from './form-page.mjs';

/** The text of the notification mail: one "label: value" line per field. */
function describe(submission) {
  return definition.form.fields.map((field) => `${field.label}: ${formatValue(field, Object.hasOwn(submission, field.name) ? submission[field.name] : undefined)}`).join('\n');
}

/**
 * The form at /, submissions saved by POST /submit, listed at /submissions (HTML),
 * /api/submissions (JSON) and /submissions.csv. Each new submission is sent to the outputs.
 */
export async function createApp(config) {
  const router = createRouter({ authenticate: createAuthenticator(definition.auth, config.settings) });
  const submissions = await openCollection(config.dataDir, 'submissions');
  const notify = createNotifier(definition, config);
  // With an API key, anyone may fill in the form and only key holders read the answers.
  const formIsPublic = definition.auth !== 'sso';
  const { fields } = definition.form;

  addHealthRoute(router);
  router.add('GET', '/', ({ query }) => ({ html: formPage(definition, { submitted: query.has('submitted') }) }), { public: formIsPublic });

  router.add(
    'POST',
    '/submit',
    async ({ req }) => {
      const body = await readBody(req);
      const input = body.form ? fromFormInput(fields, body.value) : body.value;
      const result = validateRecord(fields, input);
      if (result.errors) {
        if (body.form) return { status: 422, html: formPage(definition, { errors: result.errors, values: input }) };
        throw new HttpError(422, t('form.invalidSubmission'), t('form.someInvalid'), { errors: result.errors });
      }
      const submission = await submissions.insert(result.value);
      const notifications = await notify({ subject: t('form.mailSubject', { title: definition.title }), text: describe(submission), data: submission });
      log.info('submission saved', { id: submission.id, notifications });
      if (body.form) return { redirect: '/?submitted=1' };
      return { status: 201, json: { submission, notifications } };
    },
    { public: formIsPublic },
  );

  router.add('GET', '/submissions', () => ({ html: submissionsPage(definition, submissions.list()) }));
  router.add('GET', '/api/submissions', () => {
    const items = submissions.list();
    return { json: { items, total: items.length } };
  });
  router.add('GET', '/submissions.csv', () => {
    // Values stay as stored (ISO dates, plain numbers) so spreadsheets read them; the header shows the labels.
    const columns = ['id', 'createdAt', ...fields.map((field) => field.name)];
    const header = [t('form.id'), t('form.submittedAt'), ...fields.map((field) => field.label)];
    const filename = t('form.csvFile', { name: definition.name });
    return { csv: toCsv(columns, submissions.list(), header), headers: { 'content-disposition': `attachment; filename="${filename}"` } };
  });

  return { handle: router.handle, close: () => submissions.flush() };
}
