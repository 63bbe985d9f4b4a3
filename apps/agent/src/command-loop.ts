import type { CommandRunner } from './command-runner.js';
import type { ServerClient, ServerCommand } from './server-client.js';

export interface CommandLoopOptions {
  server: Pick<ServerClient, 'commands'>;
  runner: CommandRunner;
  log: (message: string) => void;
}

/**
 * Asks the server for commands (rollback, remove) between heartbeats and runs them; commands that
 * arrive with a heartbeat answer go through `run` too. Overlapping polls share one request.
 */
export function createCommandLoop(options: CommandLoopOptions) {
  const { server, runner, log } = options;
  let stopped = false;
  let polling: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  function poll(): Promise<void> {
    polling ??= (async () => {
      try {
        const due = await server.commands();
        if (due.length && !stopped) await runner.run(due);
      } catch (error) {
        log(`command poll failed: ${(error as Error).message}`);
      }
    })().finally(() => {
      polling = null;
    });
    return polling;
  }

  return {
    poll,
    run: (commands: ServerCommand[]) => (stopped ? Promise.resolve() : runner.run(commands)),
    /** Polls every `intervalMs` (0: only with heartbeats). */
    start(intervalMs: number): void {
      if (intervalMs <= 0) return;
      timer = setInterval(() => void poll(), intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await polling;
    },
  };
}

export type CommandLoop = ReturnType<typeof createCommandLoop>;
