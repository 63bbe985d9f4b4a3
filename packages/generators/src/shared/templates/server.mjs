import process from 'node:process';
import { createServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { setTimeout } from 'node:timers';
import { createApp } from './app.mjs';
import { ConfigError, loadConfig } from './lib/config.mjs';
import { log } from './lib/log.mjs';

const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  const config = loadConfig();
  await mkdir(config.dataDir, { recursive: true });
  const app = await createApp(config);
  const server = createServer(app.handle);
  server.listen(config.port, config.host, () => {
    log.info('listening', { port: server.address().port, host: config.host, dataDir: config.dataDir });
  });

  let stopping = false;
  function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    setTimeout(() => {
      log.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    server.close(async () => {
      await app.close();
      log.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  log.error(error instanceof ConfigError ? error.message : 'the app failed to start', { error: error.message });
  process.exit(1);
});
