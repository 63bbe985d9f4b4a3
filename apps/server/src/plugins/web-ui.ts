import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import negotiate from '@fastify/accept-negotiator';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readerLanguage } from '../http/reader-language.js';

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

/** Types the build precompresses (apps/web/scripts/precompress.ts writes `.br` and `.gz` beside them). */
const PRECOMPRESSED = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.webmanifest']);
/** Brotli first (smaller than gzip for the same text), each with the suffix of its copy. */
const ENCODINGS = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** The build's page per language (apps/web/scripts/language-pages.ts): `<html lang>` and that language's words preloaded. */
const LANGUAGE_PAGE = /^index\.([a-z]{2,3})\.html$/;

/** The languages the build has a page for. */
function languagesIn(root: string): string[] {
  return readdirSync(root).flatMap((name) => LANGUAGE_PAGE.exec(name)?.[1] ?? []);
}

/**
 * The language of the page to send: the one the reader last saw (cookie), else the best of their
 * browser's (Accept-Language), else English — the choice the web UI makes itself when it starts.
 */
function pageLanguage(request: FastifyRequest, languages: string[]): string | null {
  if (languages.length === 0) return null;
  return readerLanguage(request, languages) ?? (languages.includes('en') ? 'en' : languages[0]!);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

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
  return (await isFile(file)) ? file : null;
}

/** The precompressed copy of `file` the client accepts (Accept-Encoding), if the build wrote one. */
async function encodedCopy(request: FastifyRequest, file: string): Promise<{ file: string; encoding: string } | null> {
  const accepted = request.headers['accept-encoding'];
  if (!accepted) return null;
  const built = [];
  for (const copy of ENCODINGS) if (await isFile(file + copy.suffix)) built.push(copy);
  const encoding = negotiate(accepted, [...built.map((copy) => copy.encoding), 'identity']);
  const chosen = built.find((copy) => copy.encoding === encoding);
  return chosen ? { file: file + chosen.suffix, encoding: chosen.encoding } : null;
}

async function sendFile(request: FastifyRequest, reply: FastifyReply, file: string, immutable: boolean, varies = 'accept-encoding') {
  reply.header('content-type', TYPES[path.extname(file)] ?? 'application/octet-stream');
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  reply.header('x-content-type-options', 'nosniff');
  if (!PRECOMPRESSED.has(path.extname(file))) return reply.send(createReadStream(file));
  // The answer depends on Accept-Encoding, whichever copy is sent: caches must keep them apart.
  reply.header('vary', varies);
  const encoded = await encodedCopy(request, file);
  if (!encoded) return reply.send(createReadStream(file));
  reply.header('content-encoding', encoded.encoding);
  return reply.send(createReadStream(encoded.file));
}

/**
 * Serves the built web UI at `/`: hashed assets with long caching, other files as they are (the
 * build's Brotli or gzip copy when the client accepts one), and
 * index.html for any other GET that wants HTML (client-side routes) — the build's page in the reader's
 * language when there is one. Registered last, so every
 * API route wins; /api, /docs, /metrics, /healthz and /readyz are never answered with the SPA.
 */
export default fp(
  async function webUi(app: FastifyInstance, options: WebUiOptions) {
    const root = path.resolve(options.root ?? defaultWebRoot());
    const index = path.join(root, 'index.html');
    const built = existsSync(index);
    const languages = built ? languagesIn(root) : [];
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
        if (file) return sendFile(request, reply, file, urlPath.startsWith('/assets/'));
        const wantsHtml = (request.headers.accept ?? '').includes('text/html') || !path.extname(urlPath);
        if (!wantsHtml || urlPath.startsWith('/assets/')) return reply.callNotFound();
        // The page in the reader's language, if the build made one (it preloads that language's words).
        const language = pageLanguage(request, languages);
        const page = language ? path.join(root, `index.${language}.html`) : null;
        if (page && (await isFile(page))) return sendFile(request, reply, page, false, 'accept-encoding, accept-language, cookie');
        return sendFile(request, reply, index, false);
      },
    });
  },
  { name: 'web-ui' },
);
