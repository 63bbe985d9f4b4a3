const FIELD_SCHEMAS = {
  string: { type: 'string', maxLength: 1000 },
  text: { type: 'string', maxLength: 100000 },
  number: { type: 'number' },
  integer: { type: 'integer' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
  email: { type: 'string', format: 'email' },
  url: { type: 'string', format: 'uri' },
};

function fieldSchema(field) {
  const schema = field.type === 'enum' ? { type: 'string', enum: field.values } : { ...FIELD_SCHEMAS[field.type] };
  if (field.label) schema.description = field.label;
  return schema;
}

function inputSchema(entity) {
  const required = entity.fields.filter((field) => field.required).map((field) => field.name);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(entity.fields.map((field) => [field.name, fieldSchema(field)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

function recordSchema(entity) {
  const input = inputSchema(entity);
  return {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      ...input.properties,
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
    required: ['id', 'createdAt', 'updatedAt', ...(input.required ?? [])],
  };
}

const problem = (description) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const json = (description, schema) => ({ description, content: { 'application/json': { schema } } });

function entityPaths(entity) {
  const ref = (suffix) => ({ $ref: `#/components/schemas/${entity.schemaName}${suffix}` });
  const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const filters = entity.fields.map((field) => ({ name: field.name, in: 'query', required: false, description: `Only records whose ${field.name} equals this value`, schema: { type: 'string' } }));
  const tags = [entity.name];
  return {
    [`/api/${entity.collection}`]: {
      get: {
        tags,
        summary: `List ${entity.name} records`,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ...filters,
        ],
        responses: {
          200: json('One page of records and the total that match', {
            type: 'object',
            properties: { items: { type: 'array', items: ref('') }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
          }),
          400: problem('Invalid paging or filter'),
        },
      },
      post: {
        tags,
        summary: `Create a ${entity.name}`,
        requestBody: { required: true, content: { 'application/json': { schema: ref('Input') } } },
        responses: { 201: json('Created', ref('')), 422: problem('Invalid fields, listed in errors') },
      },
    },
    [`/api/${entity.collection}/{id}`]: {
      parameters: [idParameter],
      get: { tags, summary: `Get one ${entity.name}`, responses: { 200: json('The record', ref('')), 404: problem('No such record') } },
      put: {
        tags,
        summary: `Replace a ${entity.name}`,
        requestBody: { required: true, content: { 'application/json': { schema: ref('Input') } } },
        responses: { 200: json('Replaced', ref('')), 404: problem('No such record'), 422: problem('Invalid fields') },
      },
      patch: {
        tags,
        summary: `Change some fields of a ${entity.name}`,
        requestBody: { required: true, content: { 'application/json': { schema: { ...ref('Input') } } } },
        responses: { 200: json('Updated', ref('')), 404: problem('No such record'), 422: problem('Invalid fields') },
      },
      delete: { tags, summary: `Delete a ${entity.name}`, responses: { 204: { description: 'Deleted' }, 404: problem('No such record') } },
    },
  };
}

const SECURITY = {
  'api-key': {
    schemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'The API_KEY of the app' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The API_KEY of the app' },
    },
    requirement: [{ bearer: [] }, { apiKey: [] }],
  },
  sso: {
    schemes: { sso: { type: 'apiKey', in: 'header', name: 'X-Forwarded-User', description: 'Set by the single sign-on proxy in front of the app' } },
    requirement: [{ sso: [] }],
  },
};

/** The OpenAPI 3.1 description of this API, built from the entity definitions. */
export function buildOpenApi(definition) {
  const security = SECURITY[definition.auth];
  const schemas = {
    Problem: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  };
  const paths = {};
  for (const entity of definition.entities) {
    schemas[entity.schemaName] = recordSchema(entity);
    schemas[`${entity.schemaName}Input`] = inputSchema(entity);
    Object.assign(paths, entityPaths(entity));
  }
  return {
    openapi: '3.1.0',
    info: { title: definition.title, version: definition.version, description: definition.summary },
    paths,
    components: { schemas, ...(security ? { securitySchemes: security.schemes } : {}) },
    ...(security ? { security: security.requirement } : {}),
  };
}
