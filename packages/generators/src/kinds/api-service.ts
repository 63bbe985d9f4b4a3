import type { AppSpec, Entity } from '@marketplace/spec';
import { modelEntities } from '../shared/app-model.js';
import { authFixture } from '../shared/fixtures.js';
import { markdownText } from '../shared/project-files.js';
import { invalidValue, sampleRecord, sampleValue } from '../shared/samples.js';
import type { KindGenerator } from './kind-generator.js';

const DEFAULT_ENTITY: Entity = {
  name: 'item',
  fields: [
    { name: 'name', type: 'string', required: true },
    { name: 'notes', type: 'text' },
  ],
};

/** The app's own tests cover this many entities, to keep `npm test` quick. */
const TESTED_ENTITIES = 5;

const exampleSpec: AppSpec = {
  specVersion: 1,
  name: 'ticket-tracker',
  title: 'Ticket tracker',
  summary: 'Track support tickets and who handles them.',
  kind: 'api-service',
  entities: [
    {
      name: 'ticket',
      fields: [
        { name: 'title', type: 'string', required: true },
        { name: 'status', type: 'enum', values: ['open', 'pending', 'closed'], required: true },
        { name: 'reporter', type: 'email' },
        { name: 'dueOn', type: 'date' },
      ],
    },
  ],
  auth: 'api-key',
};

export const apiService: KindGenerator = {
  kind: 'api-service',
  title: 'REST API',
  description: 'A JSON REST API with create, read, update, delete, filtering and paging for each entity, an OpenAPI 3.1 description and records kept on disk.',
  parameters: ['entities', 'auth'],
  exampleSpec,
  libraries: ['store', 'validate'],
  bundled: [],
  templates: ['app.mjs', 'openapi.mjs', 'api.test.mjs'],
  build(spec) {
    const entities = modelEntities(spec.entities?.length ? spec.entities : [DEFAULT_ENTITY]);
    const auth = authFixture(spec.auth ?? 'none');
    const fixtures = {
      ...auth,
      entities: entities.slice(0, TESTED_ENTITIES).map((entity) => {
        const first = entity.fields[0]!;
        return {
          collection: entity.collection,
          sample: sampleRecord(entity.fields, 0),
          otherSample: sampleRecord(entity.fields, 1),
          invalid: { field: first.name, value: invalidValue(first) },
          filter: { field: first.name, value: sampleValue(first, 0) },
        };
      }),
    };
    const endpoints: [string, string][] = [['GET /openapi.json', 'OpenAPI 3.1 description of the API.']];
    for (const entity of entities) {
      const name = markdownText(entity.name);
      endpoints.push(
        [`GET /api/${entity.collection}`, `List ${name} records: \`?limit=50&offset=0\`, filter with \`?<field>=<value>\`; answers \`{ items, total, limit, offset }\`.`],
        [`POST /api/${entity.collection}`, `Create a ${name}.`],
        [`GET /api/${entity.collection}/:id`, `One ${name}.`],
        [`PUT /api/${entity.collection}/:id`, `Replace a ${name}.`],
        [`PATCH /api/${entity.collection}/:id`, `Change some fields of a ${name}.`],
        [`DELETE /api/${entity.collection}/:id`, `Delete a ${name}.`],
      );
    }
    const fieldLists = entities.map(
      (entity) =>
        `### ${markdownText(entity.name)} (\`/api/${entity.collection}\`)\n\n${entity.fields
          .map((field) => `- \`${field.name}\`: ${field.type}${field.type === 'enum' ? ` (${(field.values ?? []).map(markdownText).join(', ')})` : ''}${field.required ? ', required' : ''}`)
          .join('\n')}`,
    );
    return {
      entities,
      settings: [],
      fixtures,
      readme: {
        about: 'It stores records as JSON files in `DATA_DIR` (one file per entity, replaced atomically on every change) and checks every field by its type.',
        endpoints,
        access: '`GET /` and `GET /openapi.json` need no credentials, so the API can be discovered.',
        sections: [`## Data\n\nEvery record also gets \`id\`, \`createdAt\` and \`updatedAt\`. Invalid input is answered with 422 and the \`errors\` per field.\n\n${fieldLists.join('\n\n')}`],
      },
    };
  },
};
