import { sql, type Kysely } from 'kysely';

/** Kysely's own bookkeeping: described by the backup header's migration list instead. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

export interface ColumnInfo {
  name: string;
  /** `format_type()` spelling, usable as a cast: integer, numeric(10,2), vector(3), text[] … */
  type: string;
}

export interface TableInfo {
  name: string;
  /** Columns a backup carries: everything but generated ones. */
  columns: ColumnInfo[];
}

/** Topological order: a table comes after the tables its foreign keys point to (cycles kept in name order). */
function parentsFirst(names: string[], edges: Array<{ child: string; parent: string }>): string[] {
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name)) return;
    state.set(name, 'visiting');
    for (const edge of edges) if (edge.child === name && edge.parent !== name && names.includes(edge.parent)) visit(edge.parent);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of names) visit(name);
  return ordered;
}

/** The ordinary tables of schema `public` (partitions through their parent), parents before children. */
export async function listPublicTables(db: Kysely<any>): Promise<TableInfo[]> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`.execute(db);
  const names = tables.rows.map((row) => row.name).filter((name) => !MIGRATION_TABLES.has(name));
  const edges = await sql<{ child: string; parent: string }>`
    select cc.relname as child, pc.relname as parent from pg_constraint k
      join pg_class cc on cc.oid = k.conrelid join pg_class pc on pc.oid = k.confrelid
      join pg_namespace n on n.oid = cc.relnamespace
    where k.contype = 'f' and n.nspname = 'public'`.execute(db);
  const columns = await sql<{ table: string; name: string; type: string }>`
    select c.relname as "table", a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by c.relname, a.attnum`.execute(db);
  return parentsFirst(names, edges.rows).map((name) => ({
    name,
    columns: columns.rows.filter((column) => column.table === name).map(({ name: column, type }) => ({ name: column, type })),
  }));
}

export interface SequenceState {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export async function listPublicSequences(db: Kysely<any>): Promise<SequenceState[]> {
  const sequences = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by c.relname`.execute(db);
  const states: SequenceState[] = [];
  for (const { name } of sequences.rows) {
    const state = await sql<{ last_value: string; is_called: boolean }>`select last_value::text as last_value, is_called from ${sql.id('public', name)}`.execute(db);
    const row = state.rows[0];
    if (row) states.push({ name, lastValue: row.last_value, isCalled: row.is_called });
  }
  return states;
}

/** Session settings that make every value's text form the same on both dialects. */
export async function useCanonicalTextForms(db: Kysely<any>): Promise<void> {
  await sql`select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true),
    set_config('IntervalStyle', 'postgres', true), set_config('bytea_output', 'hex', true),
    set_config('extra_float_digits', '1', true)`.execute(db);
}
