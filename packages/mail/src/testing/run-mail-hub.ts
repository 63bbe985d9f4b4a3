/**
 * Runs a mail hub in its own process and prints `{"port":N}` once it listens: the crash tests
 * kill -9 this process to show that mail answered 250 is already on disk.
 * Usage: node --import tsx run-mail-hub.ts <dataDir>
 */
import { startMailHub } from '../hub/mail-hub.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: run-mail-hub.ts <dataDir>\n');
  process.exit(2);
}
const hub = await startMailHub({ dataDir });
process.stdout.write(`${JSON.stringify({ port: hub.port })}\n`);
