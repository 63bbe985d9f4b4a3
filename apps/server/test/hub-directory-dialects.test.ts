import { randomUUID } from 'node:crypto';
import { createDatabase, migrate } from '@marketplace/db';
import { describeEachDialect } from '@marketplace/db/testing';
import pino from 'pino';
import { expect, it } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { ServerDatabase } from '../src/db/database.js';
import type { Db } from '../src/db/schema.js';
import { createHubDirectory, watchHubDirectory } from '../src/modules/mail-intake/hub-directory.js';

/**
 * The hub directory's cache forgets an address when its row changes, on the commit, whoever writes
 * it: on PostgreSQL another process (here: another connection pool) removing the account.
 */
describeEachDialect('hub directory cache follows the database', (getDatabase, dialect, connectionUrl) => {
  it('stops serving a removed account at once, though its answer was cached', async () => {
    const database = getDatabase() as ServerDatabase;
    await migrate(database as any, migrations);
    const db = database.db as Db;
    const orgId = randomUUID();
    const userId = randomUUID();
    const address = `leaver-${randomUUID().slice(0, 8)}@hub.test`;
    await db.insertInto('organizations').values({ id: orgId, name: 'Hub Org', slug: `hub-${orgId.slice(0, 8)}` }).execute();
    await db.insertInto('users').values({ id: userId, org_id: orgId, email: address, name: 'Leaver', password_hash: null, roles: ['member'], status: 'active' }).execute();

    const directory = createHubDirectory({ db, serviceAddress: 'marketplace@marketplace.test', extraMailboxes: [] });
    const unwatch = await watchHubDirectory(directory, database, pino({ level: 'silent' }));
    // Another process on PostgreSQL; the one handle on PGlite (a single-process database).
    const writer = dialect === 'postgres' ? ((await createDatabase({ url: connectionUrl()! })) as ServerDatabase) : database;
    try {
      expect(await directory.serves(address)).toBe(true); // cached for a minute from here
      await (writer.db as Db).deleteFrom('users').where('id', '=', userId).execute();
      if (dialect === 'pglite') expect(await directory.serves(address)).toBe(false);
      const started = Date.now();
      // PGlite: the notification is in before the delete returns. PostgreSQL: it arrives over the LISTEN connection.
      while ((await directory.serves(address)) && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await directory.serves(address)).toBe(false);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await unwatch();
      if (writer !== database) await writer.close();
    }
  }, 120_000);
});
