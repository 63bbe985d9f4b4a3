import { definition } from './definition.mjs';
import { createAuthenticator } from './lib/auth.mjs';
import { escapeHtml, page } from './lib/html.mjs';
import { HttpError, addHealthRoute, createRouter, readBody } from './lib/http.mjs';
import { t } from './lib/i18n.mjs';
import { openCollection } from './lib/store.mjs';
import { validateRecord } from './lib/validate.mjs';
import { buildOpenApi } from './openapi.mjs';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const PAGING = new Set(['limit', 'offset']);

function readPaging(query) {
  const limit = query.has('limit') ? Number(query.get('limit')) : DEFAULT_LIMIT;
  const offset = query.has('offset') ? Number(query.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new HttpError(400, t('api.invalidLimit'), t('api.limitRange', { max: MAX_LIMIT }));
  }
  if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, t('api.invalidOffset'), t('api.offsetRange'));
  return { limit, offset };
}

/** `?status=open&priority=2`: keeps records whose fields equal the given values. */
function readFilters(entity, query) {
  const fields = new Map(entity.fields.map((field) => [field.name, field]));
  const filters = [];
  for (const [name, text] of query) {
    if (PAGING.has(name)) continue;
    const field = fields.get(name);
    if (!field) throw new HttpError(400, t('api.unknownFilter'), t('api.notAFieldOf', { name, entity: entity.label, fields: [...fields.keys()].join(', ') }));
    filters.push((record) => Object.hasOwn(record, name) && String(record[name]) === text);
  }
  return filters;
}

function addEntityRoutes(router, entity, collection) {
  const base = `/api/${entity.collection}`;
  const find = (id) => {
    const record = collection.get(id);
    if (!record) throw new HttpError(404, t('http.notFound'), t('api.noSuchRecord', { entity: entity.label, id }));
    return record;
  };
  const validate = (input, options) => {
    const result = validateRecord(entity.fields, input, options);
    if (result.errors) throw new HttpError(422, t('api.invalidRecord'), t('api.invalidFields', { entity: entity.label }), { errors: result.errors });
    return result.value;
  };

  router.add('GET', base, ({ query }) => {
    const { limit, offset } = readPaging(query);
    const filters = readFilters(entity, query);
    const matching = collection.list().filter((record) => filters.every((matches) => matches(record)));
    return { json: { items: matching.slice(offset, offset + limit), total: matching.length, limit, offset } };
  });
  router.add('POST', base, async ({ req }) => {
    const record = await collection.insert(validate((await readBody(req)).value));
    return { status: 201, json: record, headers: { location: `${base}/${record.id}` } };
  });
  router.add('GET', `${base}/:id`, ({ params }) => ({ json: find(params.id) }));
  router.add('PUT', `${base}/:id`, async ({ req, params }) => {
    find(params.id);
    return { json: await collection.replace(params.id, validate((await readBody(req)).value)) };
  });
  router.add('PATCH', `${base}/:id`, async ({ req, params }) => {
    const existing = find(params.id);
    const changes = validate((await readBody(req)).value, { partial: true });
    const current = Object.fromEntries(entity.fields.filter((field) => Object.hasOwn(existing, field.name)).map((field) => [field.name, existing[field.name]]));
    return { json: await collection.replace(params.id, validate({ ...current, ...changes })) };
  });
  router.add('DELETE', `${base}/:id`, async ({ params }) => {
    find(params.id);
    await collection.remove(params.id);
    return { status: 204, text: '' };
  });
}

function homePage() {
  const links = definition.entities
    .map((entity) => `<li><code>/api/${escapeHtml(entity.collection)}</code> — ${escapeHtml(t('api.records', { label: entity.label }))}</li>`)
    .join('\n');
  const body = `<section><h2>${escapeHtml(t('api.endpoints'))}</h2><ul>\n${links}\n</ul><p>${escapeHtml(t('api.fullDescription'))} <a href="/openapi.json">/openapi.json</a></p></section>`;
  return page({ title: definition.title, summary: definition.summary, body });
}

/** The REST API: list/create at /api/<collection>, get/replace/update/delete at /api/<collection>/:id. */
export async function createApp(config) {
  const router = createRouter({ authenticate: createAuthenticator(definition.auth, config.settings) });
  const collections = [];
  addHealthRoute(router);
  router.add('GET', '/', () => ({ html: homePage() }), { public: true });
  router.add('GET', '/openapi.json', () => ({ json: buildOpenApi(definition) }), { public: true });
  for (const entity of definition.entities) {
    const collection = await openCollection(config.dataDir, entity.collection);
    collections.push(collection);
    addEntityRoutes(router, entity, collection);
  }
  return {
    handle: router.handle,
    close: () => Promise.all(collections.map((collection) => collection.flush())),
  };
}
