import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Paths the SPA never answers: the API, its docs, and the operational endpoints. */
const RESERVED = /^\/(api|docs|metrics|healthz|readyz)(\/|$|\?)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export interface WebUiOptions {
  /** The built SPA (apps/web/dist); when it is missing the server says how to build it. */
  root?: string;
}

export const defaultWebRoot = () => fileURLToPath(new URL('../../../web/dist/', import.meta.url));

async function fileIn(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}

function sendFile(reply: FastifyReply, file: string, immutable: boolean) {
  reply.header('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  reply.header('x-content-type-options', 'nosniff');
  return reply.send(createReadStream(file));
}

/**
 * Serves the built web UI at `/`: hashed assets with long caching, other files as they are, and
 * index.html for any other GET that wants HTML (client-side routes). Registered last, so every
 * API route wins; /api, /docs, /metrics, /healthz and /readyz are never answered with the SPA.
 */
export default fp(
  async function webUi(app: FastifyInstance, options: WebUiOptions) {
    const root = path.resolve(options.root ?? defaultWebRoot());
    const index = path.join(root, 'index.html');
    const built = existsSync(index);
    if (!built) app.log.warn({ root }, 'web UI not built: run "npm run build -w @marketplace/web"');

    app.get('/*', {
      schema: { hide: true },
      config: { auth: false, rateLimit: false },
      handler: async (request, reply) => {
        const urlPath = request.url.split('?')[0]!;
        if (RESERVED.test(urlPath)) return reply.callNotFound();
        if (!built) {
          return reply
            .status(503)
            .type('text/plain; charset=utf-8')
            .send('The web UI is not built yet. Run "npm run build -w @marketplace/web" (npm start does this when apps/web/dist is missing), then reload.');
        }
        const file = urlPath === '/' ? null : await fileIn(root, urlPath);
        if (file) return sendFile(reply, file, urlPath.startsWith('/assets/'));
        const wantsHtml = (request.headers.accept ?? '').includes('text/html') || !path.extname(urlPath);
        if (!wantsHtml || urlPath.startsWith('/assets/')) return reply.callNotFound();
        return sendFile(reply, index, false);
      },
    });
  },
  { name: 'web-ui' },
);
