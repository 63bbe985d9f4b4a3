import { randomUUID } from 'node:crypto';
import slugify from 'slugify';
import type { Db } from '../../db/schema.js';
import type { Role, UsersTable } from './accounts-tables.js';
import type { Selectable } from 'kysely';
import { iso, isoOrNull } from '../../http/responses.js';

export type UserRow = Selectable<UsersTable>;

export function publicUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    status: row.status,
    createdAt: iso(row.created_at),
    lastLoginAt: isoOrNull(row.last_login_at),
    language: row.language ?? null,
  };
}

export function orgSlug(name: string): string {
  const base = slugify(name, { lower: true, strict: true, locale: 'pl', trim: true }).slice(0, 40).replace(/-+$/, '');
  return base.length >= 2 ? base : `org-${base}`.replace(/-$/, '');
}

export async function createOrganization(db: Db, name: string) {
  const base = orgSlug(name);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const slug = attempt === 0 ? base : `${base}-${attempt + 1}`;
    const existing = await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst();
    if (existing) continue;
    const row = { id: randomUUID(), name, slug };
    await db.insertInto('organizations').values(row).execute();
    return { ...row, createdAt: new Date().toISOString() };
  }
  const row = { id: randomUUID(), name, slug: `${base}-${randomUUID().slice(0, 8)}` };
  await db.insertInto('organizations').values(row).execute();
  return { ...row, createdAt: new Date().toISOString() };
}

export async function getOrganization(db: Db, orgId: string) {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', orgId).executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, slug: row.slug, createdAt: iso(row.created_at) };
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
}

/** Every read of a user is scoped to the caller's organisation. */
export async function getUser(db: Db, orgId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Db, orgId: string, options: { q?: string; limit: number; offset: number }) {
  let query = db.selectFrom('users').where('org_id', '=', orgId);
  if (options.q) {
    const like = `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('email', 'ilike', like), eb('name', 'ilike', like)]));
  }
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at').orderBy('id').limit(options.limit).offset(options.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows, total: Number(count.n) };
}

export async function insertUser(db: Db, values: { orgId: string; email: string; name: string; passwordHash: string | null; roles: Role[] }): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ id: randomUUID(), org_id: values.orgId, email: values.email, name: values.name, password_hash: values.passwordHash, roles: values.roles, status: 'active' })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function countActiveAdmins(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where((eb) => eb(eb.val('admin'), '=', eb.fn.any('roles')))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Changes a user's name, roles or status (roles deduplicated); returns the row as it is now. */
export async function updateUser(db: Db, orgId: string, id: string, changes: { name?: string | undefined; roles?: Role[] | undefined; status?: 'active' | 'disabled' | undefined; language?: 'en' | 'pl' | null | undefined }): Promise<UserRow> {
  const { name, roles, status, language } = changes;
  return db
    .updateTable('users')
    .set({ ...(name ? { name } : {}), ...(roles ? { roles: [...new Set(roles)] } : {}), ...(status ? { status } : {}), ...(language !== undefined ? { language } : {}), updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An organisation named by its id or its slug (`OIDC_ORGANIZATION`, `marketplace audit verify --org`). */
export async function findOrganizationByIdOrSlug(db: Db, idOrSlug: string): Promise<{ id: string; slug: string } | undefined> {
  const query = db.selectFrom('organizations').select(['id', 'slug']);
  return (UUID.test(idOrSlug) ? query.where('id', '=', idOrSlug) : query.where('slug', '=', idOrSlug.toLowerCase())).executeTakeFirst();
}
