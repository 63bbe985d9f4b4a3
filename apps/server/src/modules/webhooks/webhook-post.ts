import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import ipaddr from 'ipaddr.js';
import { isAllowedAddress } from './webhook-target.js';

/** At most this much of a receiver's answer is kept (the rest is not read). */
export const RESPONSE_EXCERPT_BYTES = 512;

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  /** `TIMEOUT`, `TARGET_REFUSED`, `CONNECTION_FAILED: …` or `HTTP <status>`; null on success. */
  error: string | null;
  excerpt: string | null;
}

class TargetRefused extends Error {
  readonly code = 'TARGET_REFUSED';
}

/**
 * Resolves the host and connects only to an allowed address (checked on the address actually used,
 * so a name that resolves to a private address, or changes between save and send, is refused).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const usable = addresses.filter((entry) => isAllowedAddress(entry.address, allowPrivate));
      if (usable.length === 0) return callback(new TargetRefused(`${hostname} resolves only to refused addresses`), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/**
 * One signed POST: no redirects followed (a 3xx is a failure), the whole attempt bounded by
 * `timeoutMs`, and only the first RESPONSE_EXCERPT_BYTES of the answer read.
 */
export function postWebhook(post: WebhookPost): Promise<AttemptResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: took() });
    };
    const url = new URL(post.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(host) && !isAllowedAddress(host, post.allowPrivate)) {
      resolve({ ok: false, status: null, durationMs: took(), error: 'TARGET_REFUSED', excerpt: null });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'marketplace-webhooks/1', 'content-length': Buffer.byteLength(post.body), ...post.headers },
      lookup: guardedLookup(post.allowPrivate),
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish({ ok: false, status: null, error: 'TIMEOUT', excerpt: null });
    }, post.timeoutMs);
    request.on('error', (error: Error & { code?: string }) => {
      const refusedTarget = error instanceof TargetRefused || error.code === 'TARGET_REFUSED';
      finish({ ok: false, status: null, error: refusedTarget ? 'TARGET_REFUSED' : `CONNECTION_FAILED: ${error.code ?? error.message}`.slice(0, 200), excerpt: null });
    });
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
        const ok = status >= 200 && status < 300;
        finish({ ok, status, error: ok ? null : `HTTP ${status}`, excerpt: excerpt || null });
      };
      response.on('data', (chunk: Buffer) => {
        if (kept >= RESPONSE_EXCERPT_BYTES) return;
        chunks.push(chunk);
        kept += chunk.length;
        if (kept >= RESPONSE_EXCERPT_BYTES) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', done);
      response.on('close', done);
    });
    request.end(post.body);
  });
}
