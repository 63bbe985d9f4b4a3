import type { AppSpec, Entity } from '@marketplace/spec';
import { catalogFor, format, languageOf } from '../i18n/catalog.js';
import { modelEntities } from '../shared/app-model.js';
import { authFixture } from '../shared/fixtures.js';
import { fieldList, markdownText } from '../shared/project-files.js';
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
    const { build: text } = catalogFor(languageOf(spec));
    const words = text.kinds['api-service'];
    const endpoints: [string, string][] = [['GET /openapi.json', words.openapi]];
    for (const entity of entities) {
      const label = markdownText(entity.label);
      endpoints.push(
        [`GET /api/${entity.collection}`, format(words.list, { label })],
        [`POST /api/${entity.collection}`, format(words.create, { label })],
        [`GET /api/${entity.collection}/:id`, format(words.get, { label })],
        [`PUT /api/${entity.collection}/:id`, format(words.replace, { label })],
        [`PATCH /api/${entity.collection}/:id`, format(words.update, { label })],
        [`DELETE /api/${entity.collection}/:id`, format(words.remove, { label })],
      );
    }
    const fieldLists = entities.map((entity) => `### ${markdownText(entity.label)} (\`/api/${entity.collection}\`)\n\n${fieldList(entity.fields, text.readme.fieldRequired, text.readme, 'fieldInApi')}`);
    return {
      entities,
      settings: [],
      fixtures,
      readme: {
        about: words.about,
        endpoints,
        access: words.access,
        sections: [`## ${words.data}\n\n${words.dataIntro}\n\n${fieldLists.join('\n\n')}`],
      },
    };
  },
};
