/**
 * Runs inside the validation sandbox (bundled to runner.mjs, started with plain node, in the
 * network namespace when there is one). It may be started before its validation is known (a warm
 * runner, decision 0064): it waits for the plan file's path on stdin, and exits when stdin closes
 * without one. Then it starts the app's own tests in their own process, and beside them serves
 * the fixtures on loopback, starts the app, waits for its health path, exercises it, stops it,
 * and writes the steps and how the tests ended to the result file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Server, createConnection, createServer as createTcpServer } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ValidationArtifacts } from './exercise/exercise-context.js';
import { EXERCISES } from './exercise/exercises.js';
import { FIXTURE_PREFIX, type SandboxPlan, type SandboxResult, type StepNotice, type ValidationStep } from './sandbox-plan.js';
import { runProcess } from './sandbox.js';

/** The plan file named on the command line, or else on stdin's first line; null when stdin closes first. */
async function planPath(): Promise<string | null> {
  if (process.argv[2]) return process.argv[2];
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  return null;
}

const path = await planPath();
if (!path) process.exit(0);
const plan = JSON.parse(readFileSync(path, 'utf8')) as SandboxPlan;
const steps: ValidationStep[] = [];
let artifacts: ValidationArtifacts = {};
let output = '';

function remember(chunk: Buffer): void {
  output = (output + chunk.toString('utf8')).slice(-plan.outputChars);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A check's outcome in words, and as a notice where the words are the runner's own (not the app's). */
type Outcome = string | { detail: string; notice: StepNotice };

async function timed(name: ValidationStep['name'], limitMs: number, work: () => Promise<Outcome>): Promise<boolean> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} took longer than ${limitMs} ms`)), limitMs);
    });
    const outcome = await Promise.race([work(), timeout]);
    steps.push({ name, ok: true, durationMs: Math.round(performance.now() - started), ...(typeof outcome === 'string' ? { detail: outcome } : outcome) });
    return true;
  } catch (error) {
    steps.push({ name, ok: false, durationMs: Math.round(performance.now() - started), detail: (error as Error).message, output });
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const server: Server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  // The tests first: they are the longer of the two (their app starts twice), and nothing here waits for them until the end.
  const tests = runProcess([...plan.dieWithParent, ...plan.test.argv], { cwd: plan.test.cwd, env: plan.test.env, timeoutMs: plan.test.timeoutMs, outputChars: plan.outputChars });
  try {
    await sandboxedRun();
  } finally {
    const ended = await tests;
    result.test = { code: ended.code, timedOut: ended.timedOut, output: ended.output, durationMs: Math.round(ended.durationMs) };
  }
}

const result: Omit<SandboxResult, 'steps'> = {};

async function sandboxedRun(): Promise<void> {
  const received: { method: string; path: string; body: string }[] = [];
  const fixtureServer = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ method: req.method ?? '', path: req.url ?? '', body });
    const route = plan.remote[req.url ?? ''];
    if (route) res.writeHead(200, { 'content-type': route.type }).end(route.body);
    else res.writeHead(req.method === 'POST' ? 204 : 404).end();
  });
  fixtureServer.listen(0, '127.0.0.1');
  await once(fixtureServer, 'listening');
  const fixtureUrl = `http://127.0.0.1:${(fixtureServer.address() as AddressInfo).port}`;

  const port = await freePort();
  const env = Object.fromEntries(
    Object.entries(plan.env).map(([name, value]) => [name, value.startsWith(FIXTURE_PREFIX) ? fixtureUrl + value.slice(FIXTURE_PREFIX.length) : value]),
  );
  env.PORT = String(port);
  const baseUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited = false;

  const started = await timed('start', plan.startMs, async () => {
    const argv = [...plan.dieWithParent, process.execPath, ...plan.nodeArgs, 'dist/server.mjs'];
    child = spawn(argv[0]!, argv.slice(1), { cwd: plan.appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', remember);
    child.stderr!.on('data', remember);
    child.once('exit', () => {
      exited = true;
    });
    while (!(await canConnect(port))) {
      if (exited) throw new Error(`the app exited with code ${child.exitCode} before listening on PORT`);
      await sleep(10);
    }
    return { detail: `listening on port ${port}`, notice: { code: 'validation.listening', params: { port } } };
  });

  if (started) {
    const healthy = await timed('health', plan.healthMs, async () => {
      for (;;) {
        if (exited) throw new Error('the app exited while waiting for its health path');
        const response = await fetch(baseUrl + plan.healthPath).catch(() => undefined);
        if (response?.status === 200) return { detail: `${plan.healthPath} answered 200`, notice: { code: 'validation.healthAnswered', params: { path: plan.healthPath, status: 200 } } };
        await sleep(20);
      }
    });
    if (healthy) {
      const headers = (plan.fixtures.headers ?? {}) as Record<string, string>;
      await timed('exercise', plan.exerciseMs, () =>
        EXERCISES[plan.kind]({
          baseUrl,
          fixtures: plan.fixtures as Record<string, any>,
          received,
          request: (path, init = {}) => fetch(baseUrl + path, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } }),
          keep: (kept) => {
            artifacts = { ...artifacts, ...kept };
          },
        }),
      );
    }
  }

  if (child) {
    const running = child;
    await timed('stop', plan.stopGraceMs + 2000, async () => {
      if (exited) throw new Error(`the app had already exited (code ${running.exitCode})`);
      const exit = once(running, 'exit');
      running.kill('SIGTERM');
      const graceful = await Promise.race([exit.then(() => true), sleep(plan.stopGraceMs).then(() => false)]);
      if (!graceful) {
        running.kill('SIGKILL');
        await exit;
        throw new Error(`the app did not stop within ${plan.stopGraceMs} ms of SIGTERM and was killed`);
      }
      if (running.exitCode !== 0) throw new Error(`the app exited with code ${running.exitCode} on SIGTERM`);
      return { detail: 'stopped on SIGTERM with code 0', notice: { code: 'validation.stopped', params: {} } };
    });
  }
  fixtureServer.close();
}

main().then(
  () => {
    writeFileSync(plan.resultFile, JSON.stringify({ ...result, steps, artifacts } satisfies SandboxResult));
    process.exit(0);
  },
  (error: Error) => {
    writeFileSync(plan.resultFile, JSON.stringify({ ...result, steps, error: error.message } satisfies SandboxResult));
    process.exit(1);
  },
);
