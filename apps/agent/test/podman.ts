import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PODMAN_HINT = 'install Debian packages podman and runc (scripts/install-system-deps.sh)';
export const hasPodman = () => spawnSync('sh', ['-c', 'command -v podman && command -v runc'], { encoding: 'utf8' }).status === 0;

export interface TestPodman {
  socketPath: string;
  image: string;
  podman(args: string[]): string;
  stop(): Promise<void>;
}

/**
 * A real Podman Docker-compatible API service for a test, with a base image imported from a rootfs
 * built here (this machine's Node.js and the libraries it links), since no registry is reachable.
 * `default_ulimits = []`: this sandbox may not raise rlimits, which Podman does by default.
 */
export async function startPodman(dir: string): Promise<TestPodman> {
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, '[containers]\ndefault_ulimits = []\n');
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const podman = (args: string[]) => execFileSync('podman', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const image = 'localhost/marketplace-node-test:20';
  const present = spawnSync('podman', ['image', 'exists', image], { env }).status === 0;
  if (!present) {
    const rootfs = join(dir, 'rootfs');
    const node = realpathSync(process.execPath);
    const libs = execFileSync('ldd', [node], { encoding: 'utf8' }).match(/\/[^\s)]+/g) ?? [];
    for (const file of [node, ...libs]) {
      mkdirSync(join(rootfs, dirname(file)), { recursive: true });
      copyFileSync(realpathSync(file), join(rootfs, file));
    }
    mkdirSync(join(rootfs, 'usr/local/bin'), { recursive: true });
    if (!existsSync(join(rootfs, 'usr/local/bin/node'))) symlinkSync(node, join(rootfs, 'usr/local/bin/node'));
    for (const empty of ['app', 'data', 'tmp']) mkdirSync(join(rootfs, empty), { recursive: true });
    execFileSync('tar', ['-C', rootfs, '-cf', join(dir, 'rootfs.tar'), '.']);
    podman(['import', join(dir, 'rootfs.tar'), image]);
  }
  const socketPath = join(dir, 'podman.sock');
  const service: ChildProcess = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { env, stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!existsSync(socketPath)) {
    if (Date.now() > deadline || service.exitCode !== null) throw new Error('podman system service did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    socketPath,
    image,
    podman,
    async stop() {
      service.kill('SIGTERM');
      await new Promise((resolve) => (service.exitCode !== null ? resolve(null) : service.once('exit', resolve)));
    },
  };
}
