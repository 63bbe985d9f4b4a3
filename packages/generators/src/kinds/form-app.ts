import type { AppSpec, Field } from '@marketplace/spec';
import { catalogFor, languageOf, plural } from '../i18n/catalog.js';
import { labelledFields, modelOutputs } from '../shared/app-model.js';
import { authFixture } from '../shared/fixtures.js';
import { fieldList } from '../shared/project-files.js';
import { invalidValue, sampleForm, sampleRecord } from '../shared/samples.js';
import type { KindGenerator } from './kind-generator.js';

/** The form without fields in the spec, labelled in the app's language. */
const DEFAULT_FIELDS: Record<'en' | 'pl', Field[]> = {
  en: [
    { name: 'name', type: 'string', required: true, label: 'Your name' },
    { name: 'email', type: 'email', required: true, label: 'Email' },
    { name: 'message', type: 'text', label: 'Message' },
  ],
  pl: [
    { name: 'name', type: 'string', required: true, label: 'Imię i nazwisko' },
    { name: 'email', type: 'email', required: true, label: 'E-mail' },
    { name: 'message', type: 'text', label: 'Wiadomość' },
  ],
};

const exampleSpec: AppSpec = {
  specVersion: 1,
  name: 'room-booking',
  title: 'Meeting room booking',
  summary: 'Ask for a meeting room; the office team gets every request by email.',
  kind: 'form-app',
  entities: [
    {
      name: 'booking',
      fields: [
        { name: 'requester', type: 'email', required: true },
        { name: 'room', type: 'enum', values: ['Atlas', 'Borealis', 'Cosmos'], required: true },
        { name: 'startsAt', type: 'datetime', required: true },
        { name: 'attendees', type: 'integer' },
        { name: 'catering', type: 'boolean' },
      ],
    },
  ],
  outputs: [{ type: 'email', target: 'office@example.com' }],
  auth: 'sso',
};

export const formApp: KindGenerator = {
  kind: 'form-app',
  title: 'Form',
  description: 'A web form checked in the browser and on the server, with stored submissions, a submissions list, CSV export and a notification per submission.',
  parameters: ['entities', 'outputs', 'auth'],
  exampleSpec,
  libraries: ['store', 'validate', 'csv-export', 'notify'],
  bundled: ['nodemailer'],
  templates: ['app.mjs', 'form-page.mjs', 'form.test.mjs'],
  build(spec) {
    const language = languageOf(spec);
    const { app: messages, build: text } = catalogFor(language);
    const words = text.kinds['form-app'];
    const entity = spec.entities?.[0];
    const fields = labelledFields(entity?.fields ?? DEFAULT_FIELDS[language]);
    const { outputs, settings } = modelOutputs(spec);
    const textField = fields.find((field) => field.type === 'string' || field.type === 'text');
    const sample = sampleRecord(fields, 0);
    const first = fields[0]!;
    return {
      outputs,
      settings,
      extras: { form: { name: entity?.name ?? 'submission', fields } },
      fixtures: {
        ...authFixture(spec.auth ?? 'none'),
        name: spec.name,
        fields: fields.map((field) => ({ name: field.name, type: field.type })),
        sample,
        form: sampleForm(fields, 0),
        invalid: { field: first.name, value: invalidValue(first) },
        formulaSample: textField ? { ...sample, [textField.name]: '=1+1' } : null,
        webhookSettings: outputs.filter((output) => output.type === 'webhook').map((output) => output.setting),
        /** How the CSV export's header starts: labels, never identifiers. */
        csvHeaderStart: `${messages.form.id},${messages.form.submittedAt}`,
        /** What the submissions page says with one submission, in the app's language. */
        texts: { oneSubmission: plural(messages.form.count, 1, language) },
      },
      readme: {
        about: words.about,
        endpoints: [
          ['GET /', words.form],
          ['POST /submit', words.submit],
          ['GET /submissions', words.page],
          ['GET /api/submissions', words.json],
          ['GET /submissions.csv', words.csv],
        ],
        sections: [
          `## ${words.fields}\n\n${fieldList(fields, text.readme.fieldRequired, text.readme, 'fieldInApi')}`,
          `## ${words.notifications}\n\n${outputs.length ? outputs.map((output) => `- ${messages.automation.outputTypes[output.type]}${output.setting ? ` (\`${output.setting}\`)` : ''}`).join('\n') : words.noNotifications}`,
        ],
        ...(spec.auth === 'api-key' ? { access: words.access } : {}),
      },
    };
  },
};
