import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { AgentError } from '../agent-error.js';
import type { RunningApp, Runtime, StartSpec } from './runtime.js';

export interface ContainerRuntimeOptions {
  /** Docker Engine API socket (Docker, or Podman's `podman system service`). Default: DOCKER_HOST or /var/run/docker.sock. */
  socketPath?: string;
  /** Image with Node.js on PATH; the app directory is mounted read-only at /app. */
  image?: string;
  stopTimeoutSeconds?: number;
}

const APP_DIR = '/app';
const DATA_DIR = '/data';

export const containerName = (spec: Pick<StartSpec, 'manifest'>) => `marketplace-${spec.manifest.name}-${spec.manifest.version.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

/**
 * Apps as containers through the Docker Engine API (dockerode): the unpacked version mounted
 * read-only, its data directory writable, a read-only root, no capabilities, no new privileges,
 * the manifest's memory and CPU as limits, restart on failure up to 5 times. Host networking on
 * loopback, so the app listens on the allocated PORT as the process runtime's apps do, and reaches
 * its agent's MARKETPLACE_AGENT_URL (127.0.0.1) like them (decision 0060): another network mode
 * would need the agent's listener on that network as well.
 */
export function createContainerRuntime(options: ContainerRuntimeOptions = {}): Runtime {
  const socketPath = options.socketPath ?? process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';
  const image = options.image ?? 'marketplace-node:20';
  // dockerode (and the SSH client it brings) loads only when a container is wanted
  let client: Promise<Docker> | undefined;
  const engine = () => (client ??= import('dockerode').then(({ default: Dockerode }) => new Dockerode({ socketPath })));

  function handle(container: Docker.Container, pid: number | null, port: number): RunningApp {
    return {
      pid,
      port,
      onGaveUp: () => {},
      async stop() {
        try {
          await container.stop({ t: options.stopTimeoutSeconds ?? 5 });
        } catch {}
        try {
          await container.remove({ force: true });
        } catch {}
      },
    };
  }

  return {
    name: 'container',
    async available() {
      try {
        const docker = await engine();
        await docker.ping();
        await docker.getImage(image).inspect();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: `no container engine with image ${image} at ${socketPath} (${(error as Error).message})` };
      }
    },
    async start(spec) {
      const [first, ...args] = spec.manifest.start as [string, ...string[]];
      if (first !== 'node' && (first.startsWith('/') || first.includes('..'))) {
        throw new AgentError('START_FAILED', `The start command "${first}" of ${spec.manifest.name} must be "node" or a file inside the app.`);
      }
      mkdirSync(spec.dataDir, { recursive: true, mode: 0o700 });
      const docker = await engine();
      const name = containerName(spec);
      await docker.getContainer(name).remove({ force: true }).catch(() => {});
      const env = { ...spec.settings, PATH: '/usr/local/bin:/usr/bin:/bin', HOME: DATA_DIR, TMPDIR: DATA_DIR, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(spec.port), APP_NAME: spec.manifest.name, APP_VERSION: spec.manifest.version, APP_DATA_DIR: DATA_DIR };
      let container: Docker.Container;
      try {
        container = await docker.createContainer({
          name,
          Image: image,
          Cmd: [first === 'node' ? 'node' : `${APP_DIR}/${first}`, ...args],
          WorkingDir: APP_DIR,
          Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
          Labels: { 'marketplace.app': spec.manifest.name, 'marketplace.version': spec.manifest.version },
          HostConfig: {
            // granted workstation files (app.json permissions.readPaths) appear at the same path, read only;
            // one not there yet is left out (Docker would create a root-owned folder in its place) and the
            // deployment says so (READ_PATH_MISSING): the container sees it after its next start
            Binds: [`${spec.dir}:${APP_DIR}:ro`, `${spec.dataDir}:${DATA_DIR}:rw`, ...(spec.manifest.permissions.readPaths ?? []).filter((entry) => existsSync(entry.path)).map((entry) => `${entry.path}:${entry.path}:ro`)],
            NetworkMode: 'host',
            ReadonlyRootfs: true,
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges'],
            Memory: spec.manifest.resources.memoryMb * 1024 * 1024,
            NanoCpus: Math.round(spec.manifest.resources.cpu * 1e9),
            RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
          },
        });
        await container.start();
      } catch (error) {
        throw new AgentError('START_FAILED', `The container engine could not start ${spec.manifest.name} ${spec.manifest.version}: ${(error as Error).message}`, { cause: error });
      }
      // the app's output goes to the same log file the process runtime writes
      mkdirSync(dirname(spec.logFile), { recursive: true, mode: 0o700 });
      const log = createWriteStream(spec.logFile, { flags: 'a', mode: 0o600 });
      const stream = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
      const out = new PassThrough();
      docker.modem.demuxStream(stream, out, out);
      out.pipe(log);
      stream.on('end', () => log.end());
      const info = await container.inspect();
      const running = handle(container, info.State.Pid || null, spec.port);
      const stop = running.stop;
      running.stop = async () => {
        await stop();
        (stream as any).destroy?.();
        log.end();
      };
      return running;
    },
    adopt(_pid, spec) {
      // the handle resolves the engine on use; the caller health-checks before relying on it
      const lazy = { stop: async (o: unknown) => (await engine()).getContainer(containerName(spec)).stop(o as any), remove: async (o: unknown) => (await engine()).getContainer(containerName(spec)).remove(o as any) };
      return handle(lazy as unknown as Docker.Container, null, spec.port);
    },
  };
}
