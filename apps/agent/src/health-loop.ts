import { platform, release } from 'node:os';
import type { CommandLoop } from './command-loop.js';
import type { Deployer } from './deployer.js';
import type { Report } from './reporter.js';
import type { ServerClient } from './server-client.js';
import { AGENT_VERSION } from './version.js';

/**
 * What runs here, for the heartbeat: each app's current version with its state, and the earlier
 * versions kept for rollback as "replaced"; the server reconciles its deployments from this list.
 */
export function inventory(deployer: Pick<Deployer, 'apps'>): { name: string; version: string; state: string }[] {
  return deployer
    .apps()
    .filter((app) => app.current)
    .flatMap((app) => [{ name: app.name, version: app.current!, state: app.state as string }, ...app.previous.map((version) => ({ name: app.name, version, state: 'replaced' }))]);
}

export interface HealthLoopOptions {
  deployer: Deployer;
  server: Pick<ServerClient, 'flush' | 'heartbeat'>;
  commands: Pick<CommandLoop, 'run'>;
  report: Report;
  runtimeName: string;
  log: (message: string) => void;
}

/**
 * The heartbeat: probes every deployed app (a change healthy ↔ unhealthy is reported with the
 * sample), sends queued reports, tells the server what runs here, and runs the commands its
 * answer carries.
 */
export function createHealthLoop(options: HealthLoopOptions) {
  const { deployer, server, report, log } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> = Promise.resolve();

  async function checkHealth(): Promise<void> {
    if (stopped) return;
    for (const change of await deployer.checkHealth()) {
      log(`${change.app} ${change.version} is ${change.state}: ${change.health?.detail ?? ''}`);
      await report(change);
    }
  }

  async function heartbeat(): Promise<void> {
    await checkHealth().catch((error) => log(`health check failed: ${(error as Error).message}`));
    try {
      await server.flush();
      const answer = await server.heartbeat({
        version: AGENT_VERSION,
        os: `${platform()} ${release()}`.slice(0, 64),
        runtimes: [options.runtimeName],
        apps: inventory(deployer),
      });
      if (answer.commands?.length && !stopped) await options.commands.run(answer.commands);
    } catch (error) {
      log(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  function beat(): Promise<void> {
    beating = heartbeat();
    return beating;
  }

  return {
    checkHealth,
    beat,
    start(intervalMs: number): void {
      timer = setInterval(() => void beat(), intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await beating;
    },
  };
}
