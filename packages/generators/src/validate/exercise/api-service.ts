import { type Exercise, expect, expectStatus } from './exercise-context.js';

/** Creates a record of the first entity and lists it back, and keeps the OpenAPI document the API serves. */
export const exerciseApiService: Exercise = async ({ fixtures, request, keep }) => {
  const entity = fixtures.entities[0];
  const base = `/api/${entity.collection}`;
  const created = await request(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(entity.sample) });
  await expectStatus(created, 201, `POST ${base}`);
  const record = (await created.json()) as { id?: string };
  expect(typeof record.id === 'string', `POST ${base} answered no id`);
  const listed = await request(`${base}?limit=500`);
  await expectStatus(listed, 200, `GET ${base}`);
  const list = (await listed.json()) as { items: { id: string }[]; total: number };
  expect(list.items.some((item) => item.id === record.id), `GET ${base} does not list the record just created`);
  const described = await request('/openapi.json');
  await expectStatus(described, 200, 'GET /openapi.json');
  const openapi = (await described.json()) as Record<string, unknown>;
  expect(typeof openapi.openapi === 'string' && typeof openapi.paths === 'object', 'GET /openapi.json answered no OpenAPI document');
  keep({ openapi });
  return { detail: `created ${entity.collection}/${record.id} and listed ${list.total} record${list.total === 1 ? '' : 's'}`, notice: { code: 'validation.exercisedApi', params: { collection: entity.collection, id: String(record.id), total: list.total } } };
};
