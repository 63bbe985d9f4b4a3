import { request } from 'node:http';
import { createServer } from 'node:net';
import type { DeploymentReport } from './server-client.js';

/** `detail` as a stable code and its parameters, for the marketplace UI to word in its language. */
export interface HealthNotice {
  code: 'health.answered' | 'health.failed' | 'health.timedOut';
  params: Record<string, string | number>;
}

export interface HealthResult {
  ok: boolean;
  detail: string;
  notice?: HealthNotice;
  latencyMs: number;
}

/** Where an app deployed on this workstation answers (apps listen on loopback only). */
export const appUrl = (port: number): string => `http://127.0.0.1:${port}/`;

/** A probe as it is reported: the detail capped to what the server keeps, and the app's address once it is healthy. */
export function healthReport(result: HealthResult, port: number): NonNullable<DeploymentReport['health']> {
  return { ok: result.ok, detail: result.detail.slice(0, 500), ...(result.notice ? { notice: result.notice } : {}), latencyMs: result.latencyMs, ...(result.ok ? { url: appUrl(port) } : {}) };
}

/** One GET of the app's health path on loopback; healthy means a 2xx answer within `timeoutMs`. */
export function probeHealth(port: number, path: string, timeoutMs = 2000): Promise<HealthResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (ok: boolean, detail: string, notice: HealthNotice) => resolve({ ok, detail, notice, latencyMs: Math.round(performance.now() - started) });
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      done(status >= 200 && status < 300, `GET ${path} answered ${status}`, { code: 'health.answered', params: { path, status } });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => done(false, `GET ${path} failed: ${error.code ?? error.message}`, { code: 'health.failed', params: { path, error: (error.code ?? error.message).slice(0, 200) } }));
    req.end();
  });
}

/** Polls until healthy or `timeoutMs` passes (or `gaveUp()` says the process is gone); returns the last probe. */
export async function waitHealthy(port: number, path: string, timeoutMs: number, gaveUp: () => string | null = () => null): Promise<HealthResult> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  let last: HealthResult = { ok: false, detail: 'not probed yet', latencyMs: 0 };
  while (Date.now() < deadline) {
    const stop = gaveUp();
    if (stop) return { ok: false, detail: stop, latencyMs: last.latencyMs };
    last = await probeHealth(port, path, Math.min(2000, Math.max(100, deadline - Date.now())));
    if (last.ok) return last;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(250, delay * 2);
  }
  const seconds = Math.round(timeoutMs / 1000);
  return { ok: false, detail: `not healthy within ${seconds} s (last: ${last.detail})`, notice: { code: 'health.timedOut', params: { seconds, last: last.detail.slice(0, 200) } }, latencyMs: last.latencyMs };
}

/** A port free on loopback right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
