import { t } from './lib/i18n.mjs';

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
  const filters = entity.fields.map((field) => ({ name: field.name, in: 'query', required: false, description: t('openapi.filter', { field: field.label }), schema: { type: 'string' } }));
  const tags = [entity.label];
  const entityName = { entity: entity.label };
  return {
    [`/api/${entity.collection}`]: {
      get: {
        tags,
        summary: t('openapi.list', entityName),
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          ...filters,
        ],
        responses: {
          200: json(t('openapi.page'), {
            type: 'object',
            properties: { items: { type: 'array', items: ref('') }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
          }),
          400: problem(t('openapi.badPaging')),
        },
      },
      post: {
        tags,
        summary: t('openapi.create', entityName),
        requestBody: { required: true, content: { 'application/json': { schema: ref('Input') } } },
        responses: { 201: json(t('openapi.created'), ref('')), 422: problem(t('openapi.invalidListed')) },
      },
    },
    [`/api/${entity.collection}/{id}`]: {
      parameters: [idParameter],
      get: { tags, summary: t('openapi.get', entityName), responses: { 200: json(t('openapi.record'), ref('')), 404: problem(t('openapi.noSuch')) } },
      put: {
        tags,
        summary: t('openapi.replace', entityName),
        requestBody: { required: true, content: { 'application/json': { schema: ref('Input') } } },
        responses: { 200: json(t('openapi.replaced'), ref('')), 404: problem(t('openapi.noSuch')), 422: problem(t('openapi.invalidFields')) },
      },
      patch: {
        tags,
        summary: t('openapi.update', entityName),
        requestBody: { required: true, content: { 'application/json': { schema: { ...ref('Input') } } } },
        responses: { 200: json(t('openapi.updated'), ref('')), 404: problem(t('openapi.noSuch')), 422: problem(t('openapi.invalidFields')) },
      },
      delete: { tags, summary: t('openapi.remove', entityName), responses: { 204: { description: t('openapi.deleted') }, 404: problem(t('openapi.noSuch')) } },
    },
  };
}

/** How callers authenticate, for the auth mode of this app (none: no scheme). */
function securityOf(auth) {
  if (auth === 'api-key') {
    return {
      schemes: {
        bearer: { type: 'http', scheme: 'bearer', description: t('openapi.apiKey') },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: t('openapi.apiKey') },
      },
      requirement: [{ bearer: [] }, { apiKey: [] }],
    };
  }
  if (auth === 'sso') {
    return {
      schemes: { sso: { type: 'apiKey', in: 'header', name: 'X-Forwarded-User', description: t('openapi.sso') } },
      requirement: [{ sso: [] }],
    };
  }
  return undefined;
}

/** The OpenAPI 3.1 description of this API, built from the entity definitions. */
export function buildOpenApi(definition) {
  const security = securityOf(definition.auth);
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
