/* global fetch */
import process from 'node:process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { URL, fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../dist/server.mjs', import.meta.url));
const INHERITED = ['PATH', 'TZ', 'TMPDIR', 'NODE_OPTIONS', 'SYSTEMROOT'];

/**
 * Starts the built app (dist/server.mjs) on a free port with a fresh data directory and the
 * given settings. Returns { url, dataDir, request, stop, logs }.
 */
export async function startApp(settings = {}, { dataDir } = {}) {
  const directory = dataDir ?? (await mkdtemp(join(tmpdir(), 'app-test-')));
  const env = Object.fromEntries(INHERITED.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
  const child = spawn(process.execPath, [SERVER], {
    env: { ...env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', APP_DATA_DIR: directory, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  child.stderr.on('data', (chunk) => logs.push(String(chunk)));
  const port = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      logs.push(line);
      try {
        const event = JSON.parse(line);
        if (event.msg === 'listening') resolve(event.port);
      } catch {}
    });
    child.once('exit', (code) => reject(new Error(`the app exited with code ${code} before listening:\n${logs.join('\n')}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dataDir: directory,
    logs,
    request: (path, init = {}) => fetch(url + path, init),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code;
    },
  };
}

/**
 * A local HTTP server for fixtures: `routes` maps a path to { type, body }. Every request
 * (method, path, body) is recorded in `received`, so a test can check what the app sent.
 */
export async function startFixtureServer(routes = {}) {
  const received = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ method: req.method, path: req.url, body });
    const route = routes[req.url];
    if (!route) {
      res.writeHead(req.method === 'POST' ? 204 : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': route.type }).end(route.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
