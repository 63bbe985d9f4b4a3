/**
 * Child process for the mail crash test: the whole server (role all, embedded hub) on a given
 * SMTP port and data directory; prints `{"url":…}` once it listens. The parent kills it with -9.
 * argv: <dataDir> <smtpPort>
 */
import { startServer } from '../src/composition/server.js';

const [dataDir, smtpPort] = process.argv.slice(2) as [string, string];
const server = await startServer({
  role: 'all',
  env: { NODE_ENV: 'test', DATA_DIR: dataDir, PORT: '0', SMTP_LISTEN_PORT: smtpPort, JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789', ROOT_KEY_PASSPHRASE: 'a test root key passphrase', LOG_LEVEL: 'warn', SMTP_FROM: 'marketplace@marketplace.test',
    // The blast is one sender and one client: the hub's rate limits are off here (a test of their own covers them).
    MAIL_HUB_CONNECTIONS_PER_MINUTE_PER_CLIENT: '0', MAIL_HUB_MESSAGES_PER_MINUTE_PER_CLIENT: '0', MAIL_HUB_MESSAGES_PER_MINUTE_PER_SENDER: '0' },
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
