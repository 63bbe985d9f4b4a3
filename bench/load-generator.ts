import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * HTTP load from autocannon run in its own Node.js process, so that generating load never takes
 * CPU from the event loop of the server measured (they used to share one thread). Targets take
 * turns, the order rotating every round so none is always first on a machine whose load drifts.
 */
export interface LoadTarget {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

export interface LoadFigures {
  /** Median over the rounds of the requests per second. */
  rps: number;
  /** Median over the rounds of each round's p50 latency, and the worst round's p99 (ms). */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

interface AutocannonJson {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** One run of autocannon in a child process against `target` for `seconds`. */
export function loadOnce(target: LoadTarget, seconds: number, connections: number): Promise<AutocannonJson> {
  const headers = Object.entries(target.headers ?? {}).flatMap(([key, value]) => ['-H', `${key}=${value}`]);
  const args = [autocannonBin, '-j', '-c', String(connections), '-d', String(seconds), ...headers, target.url];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code} against ${target.name}: ${stderr.slice(-500)}`));
      try {
        resolve(JSON.parse(stdout) as AutocannonJson);
      } catch {
        reject(new Error(`autocannon printed no JSON against ${target.name}: ${stdout.slice(0, 200)} ${stderr.slice(-300)}`));
      }
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A warm-up run of each target, then `rounds` rounds of every target in turn. */
export async function alternateLoad(targets: readonly LoadTarget[], options: { rounds: number; seconds: number; connections?: number }): Promise<Map<string, LoadFigures>> {
  const connections = options.connections ?? 16;
  for (const target of targets) await loadOnce(target, 1, connections);
  const runs = new Map<string, AutocannonJson[]>(targets.map((target) => [target.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
    for (const target of order) runs.get(target.name)!.push(await loadOnce(target, options.seconds, connections));
  }
  return new Map(
    [...runs].map(([name, results]) => [
      name,
      {
        rps: median(results.map((r) => r.requests.average)),
        p50: median(results.map((r) => r.latency.p50)),
        p99: Math.max(...results.map((r) => r.latency.p99)),
        non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
        errors: results.reduce((sum, r) => sum + r.errors, 0),
        timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
      },
    ]),
  );
}

/** One line of figures, with the ratio to a baseline when given. */
export function figuresLine(name: string, figures: LoadFigures, baseline?: LoadFigures): string {
  const ratio = baseline ? `   ${(figures.rps / baseline.rps).toFixed(2)}× baseline` : '';
  const failures = figures.non2xx || figures.errors || figures.timeouts ? `   (non-2xx ${figures.non2xx}, errors ${figures.errors}, timeouts ${figures.timeouts})` : '';
  return `${name.padEnd(34)} ${figures.rps.toFixed(0).padStart(6)} req/s   p50 ${String(figures.p50).padStart(3)} ms   p99 ${String(figures.p99).padStart(3)} ms${ratio}${failures}`;
}
