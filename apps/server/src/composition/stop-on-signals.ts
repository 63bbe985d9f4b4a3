import type { FastifyBaseLogger } from 'fastify';

/**
 * SIGTERM or SIGINT stops the server gracefully: `stop()` once, then exit 0 (1 if it failed, or if it took
 * longer than `forceAfterMs`). A signal that comes while it stops is noted and changes nothing: one stop
 * often brings several — `kill` of a process group or a container's cgroup reaches npm, its shell and the
 * server at once, npm passes its own on, and the server signals itself when its launcher goes
 * (stop-with-launcher.ts). Without a listener the second one would end the process mid-shutdown.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Pick<FastifyBaseLogger, 'info' | 'error'>, options: { forceAfterMs?: number } = {}): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${Math.round((options.forceAfterMs ?? 15_000) / 1000)} s; exiting`);
      process.exit(1);
    }, options.forceAfterMs ?? 15_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const signals = ['SIGTERM', 'SIGINT'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
