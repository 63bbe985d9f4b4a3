import { Buffer } from 'node:buffer';
import { URL, URLSearchParams } from 'node:url';
import { t } from './i18n.mjs';
import { log } from './log.mjs';

const MAX_BODY_BYTES = 1024 * 1024;

/** An error that becomes an HTTP response (RFC 9457 problem details). */
export class HttpError extends Error {
  constructor(status, title, detail, extra = {}) {
    super(detail ?? title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.extra = extra;
  }
}

function compile(path) {
  const keys = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), keys };
}

function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, t('http.invalidPath'), t('http.invalidSegment', { segment }));
  }
}

/**
 * A small router: `add(method, path, handler, { public })`. Handlers receive
 * { req, url, params, query } and return { status, json | html | text | csv | redirect, headers }.
 * Every route except the public ones goes through `authenticate(req)` first.
 */
export function createRouter({ authenticate = () => {} } = {}) {
  const routes = [];

  function add(method, path, handler, options = {}) {
    routes.push({ method, ...compile(path), handler, isPublic: options.public === true });
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const allowed = [];
      for (const route of routes) {
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        const method = req.method === 'HEAD' ? 'GET' : req.method;
        if (route.method !== method) {
          allowed.push(route.method);
          continue;
        }
        const params = Object.fromEntries(route.keys.map((key, index) => [key, decodeSegment(match[index + 1])]));
        if (!route.isPublic) authenticate(req);
        const result = await route.handler({ req, url, params, query: url.searchParams });
        return send(res, result);
      }
      if (allowed.length > 0) {
        throw new HttpError(405, t('http.methodNotAllowed'), t('http.useMethod', { methods: allowed.join(` ${t('common.or')} `), path: url.pathname }), { headers: { allow: allowed.join(', ') } });
      }
      throw new HttpError(404, t('http.notFound'), t('http.nothingAt', { path: url.pathname }));
    } catch (error) {
      if (!(error instanceof HttpError)) log.error('request failed', { method: req.method, path: url.pathname, error: error.message });
      return sendProblem(res, error);
    }
  }

  return { add, handle };
}

function sendProblem(res, error) {
  const status = error instanceof HttpError ? error.status : 500;
  const body = {
    type: 'about:blank',
    title: error instanceof HttpError ? error.title : t('http.internal'),
    status,
    detail: error instanceof HttpError ? error.detail : t('http.failed'),
    ...(error instanceof HttpError && error.extra.errors ? { errors: error.extra.errors } : {}),
  };
  const headers = error instanceof HttpError ? error.extra.headers : undefined;
  send(res, { status, json: body, type: 'application/problem+json', headers });
}

export function send(res, result) {
  if (!result || res.headersSent) return;
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...result.headers };
  if (result.redirect) {
    res.writeHead(result.status ?? 303, { ...headers, location: result.redirect });
    return res.end();
  }
  let body = '';
  if (result.json !== undefined) {
    headers['content-type'] = result.type ?? 'application/json; charset=utf-8';
    body = JSON.stringify(result.json, null, 2);
  } else if (result.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8';
    headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'";
    body = result.html;
  } else if (result.csv !== undefined) {
    headers['content-type'] = 'text/csv; charset=utf-8';
    body = result.csv;
  } else if (result.text !== undefined) {
    headers['content-type'] = result.type ?? 'text/plain; charset=utf-8';
    body = result.text;
  }
  res.writeHead(result.status ?? 200, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

/** Reads the request body as text, refusing bodies over 1 MiB. */
export async function readText(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, t('http.bodyTooLarge'), t('http.sendAtMost', { bytes: MAX_BODY_BYTES }));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON object, or an HTML form (application/x-www-form-urlencoded) as an object of strings. */
export async function readBody(req) {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const text = await readText(req);
  if (type === 'application/x-www-form-urlencoded') {
    return { form: true, value: Object.fromEntries(new URLSearchParams(text)) };
  }
  if (type !== 'application/json' && text.trim() !== '') {
    throw new HttpError(415, t('http.unsupportedType'), t('http.sendJson'));
  }
  if (text.trim() === '') return { form: false, value: {} };
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, t('http.invalidJson'), t('http.notJson', { error: error.message }));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, t('http.invalidBody'), t('http.sendObject'));
  }
  return { form: false, value };
}

/** GET /healthz: answers 200 while the app can serve requests. */
export function addHealthRoute(router, check = async () => ({})) {
  router.add(
    'GET',
    '/healthz',
    async () => ({ json: { status: 'ok', ...(await check()) } }),
    { public: true },
  );
}
