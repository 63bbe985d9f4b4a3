/**
 * Child process for the crash test: stores one incoming mail in a file-backed PGlite, says
 * "stored", then hangs before processing it, so the parent can kill -9 it right there.
 * argv: <dataDir> <path of the raw message> <sender address>
 */
import { readFile } from 'node:fs/promises';
import { createDatabase, migrate } from '@marketplace/db';
import { migrations } from '../src/composition/migrations.js';
import { handleIncomingMail } from './incoming-mail.js';
import { createTestApp, register } from './helper.js';

const [dataDir, rawPath, sender] = process.argv.slice(2) as [string, string, string];
const database = await createDatabase({ dataDir });
await migrate(database, migrations);
const t = await createTestApp({ database: database as never });
await register(t.app, { email: sender, organization: 'Crash Org' });
process.stdout.write('ready\n');
await handleIncomingMail(t.app.conversationServices, await readFile(rawPath), { from: sender, to: ['marketplace@marketplace.test'] }, {
  afterStore: async () => {
    process.stdout.write('stored\n');
    await new Promise(() => {});
  },
});
