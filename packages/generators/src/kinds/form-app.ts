import type { AppSpec, Field } from '@marketplace/spec';
import { modelOutputs } from '../shared/app-model.js';
import { authFixture } from '../shared/fixtures.js';
import { markdownText } from '../shared/project-files.js';
import { invalidValue, sampleForm, sampleRecord } from '../shared/samples.js';
import type { KindGenerator } from './kind-generator.js';

const DEFAULT_FIELDS: Field[] = [
  { name: 'name', type: 'string', required: true, label: 'Your name' },
  { name: 'email', type: 'email', required: true, label: 'Email' },
  { name: 'message', type: 'text', label: 'Message' },
];

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
    const entity = spec.entities?.[0];
    const fields = entity?.fields ?? DEFAULT_FIELDS;
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
      },
      readme: {
        about: 'People fill in the form at `/`; each submission is checked field by field (in the browser and again on the server), stored in `DATA_DIR/submissions.json` and sent to the outputs.',
        endpoints: [
          ['GET /', 'The form.'],
          ['POST /submit', 'Submit the form (HTML form or JSON); 422 with the errors per field when invalid.'],
          ['GET /submissions', 'The submissions as a page.'],
          ['GET /api/submissions', 'The submissions as JSON.'],
          ['GET /submissions.csv', 'CSV export (cells that start like a formula are prefixed with a quote).'],
        ],
        sections: [
          `## Fields\n\n${fields.map((field) => `- \`${field.name}\`${field.label ? ` "${markdownText(field.label)}"` : ''}: ${field.type}${field.type === 'enum' ? ` (${(field.values ?? []).map(markdownText).join(', ')})` : ''}${field.required ? ', required' : ''}`).join('\n')}`,
          `## Notifications\n\n${outputs.length ? outputs.map((output) => `- ${output.type}${output.setting ? ` (\`${output.setting}\`)` : ''}`).join('\n') : 'None: submissions are only stored.'}`,
        ],
        ...(spec.auth === 'api-key' ? { access: 'The form itself (`GET /`, `POST /submit`) stays open to everyone; reading the submissions needs the key.' } : {}),
      },
    };
  },
};
