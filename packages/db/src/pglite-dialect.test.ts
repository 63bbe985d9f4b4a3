import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from './testing/index.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDialect('concurrent transactions', (getDatabase) => {
  beforeEach(async () => {
    const { db } = getDatabase();
    await sql`drop table if exists ledger`.execute(db);
    await sql`create table ledger (id serial primary key, who text not null, txid bigint not null default txid_current())`.execute(db);
  });

  it('a query issued outside a transaction never runs inside it and survives its rollback', async () => {
    const { db } = getDatabase();
    let inserted!: () => void;
    const insideOpen = new Promise<void>((resolve) => (inserted = resolve));
    const rolledBack = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('ledger').values({ who: 'tx' }).execute();
        inserted();
        await pause(100);
        throw new Error('roll back');
      })
      .catch((error: Error) => error.message);

    await insideOpen;
    // Issued while the transaction is open: must neither see its row nor be undone with it.
    const [seen, outside] = await Promise.all([
      db.selectFrom('ledger').select(sql<string>`count(*)`.as('n')).where('who', '=', 'tx').executeTakeFirstOrThrow(),
      db.insertInto('ledger').values({ who: 'outside' }).returning('txid').executeTakeFirstOrThrow(),
    ]);
    expect(await rolledBack).toBe('roll back');
    expect(Number(seen.n)).toBe(0);
    const rows = await db.selectFrom('ledger').select(['who', 'txid']).execute();
    expect(rows).toEqual([{ who: 'outside', txid: outside.txid }]);
  });

  it('two concurrent transactions keep their statements apart; the rolled-back one leaves nothing', async () => {
    const { db } = getDatabase();
    const run = (who: string, fail: boolean) =>
      db.transaction().execute(async (trx) => {
        for (let step = 0; step < 5; step += 1) {
          await trx.insertInto('ledger').values({ who }).execute();
          await pause(5);
        }
        if (fail) throw new Error(`${who} fails`);
      });
    const results = await Promise.allSettled([run('a', false), run('b', true), run('c', false)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const rows = await db.selectFrom('ledger').select(['who', 'txid']).orderBy('id').execute();
    expect(rows.filter((row) => row.who === 'b')).toEqual([]);
    for (const who of ['a', 'c']) {
      const mine = rows.filter((row) => row.who === who);
      expect(mine).toHaveLength(5);
      // One transaction id per writer: no statement of one ran in the other's transaction.
      expect(new Set(mine.map((row) => row.txid)).size).toBe(1);
    }
    expect(rows.find((row) => row.who === 'a')?.txid).not.toBe(rows.find((row) => row.who === 'c')?.txid);
  });

  it('raw executeSql (the job queue path) waits for an open transaction instead of joining it', async () => {
    const database = getDatabase();
    let inserted!: () => void;
    const insideOpen = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = database.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('ledger').values({ who: 'tx' }).execute();
        inserted();
        await pause(50);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await insideOpen;
    await database.executeSql("insert into ledger (who) values ('raw')");
    const script = await database.executeSql("begin; insert into ledger (who) values ('script'); commit;");
    await transaction;
    expect(script.rows).toEqual([]);
    const rows = await database.db.selectFrom('ledger').select('who').orderBy('id').execute();
    expect(rows.map((row) => row.who)).toEqual(['raw', 'script']);
  });

  it('a failed multi-statement script is rolled back and the connection stays usable', async () => {
    const database = getDatabase();
    await expect(database.executeSql("begin; insert into ledger (who) values ('half'); select 1/0; commit;")).rejects.toThrow(/division by zero/);
    await database.executeSql('insert into ledger (who) values ($1)', ['after']);
    const rows = await database.db.selectFrom('ledger').select('who').execute();
    expect(rows.map((row) => row.who)).toEqual(['after']);
  });

  it('reports pool figures', async () => {
    const stats = getDatabase().poolStats();
    expect(stats.total).toBeGreaterThanOrEqual(1);
    expect(stats.idle).toBeLessThanOrEqual(stats.total);
    expect(stats.waiting).toBe(0);
  });
});
