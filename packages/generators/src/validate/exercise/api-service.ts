import { type Exercise, expect, expectStatus } from './exercise-context.js';

/** Creates a record of the first entity and lists it back. */
export const exerciseApiService: Exercise = async ({ fixtures, request }) => {
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
  return `created ${entity.collection}/${record.id} and listed ${list.total} record(s)`;
};
