/** A database sweep run at start and then every `everyMs`; a failed run is logged and the next one tries again. */
export interface PeriodicSweep {
  start(): Promise<void>;
  stop(): void;
}

export function periodicSweep(everyMs: number, sweep: () => Promise<void>, onError: (error: unknown) => void): PeriodicSweep {
  let timer: NodeJS.Timeout | undefined;
  const safeSweep = () => sweep().catch(onError);
  return {
    async start() {
      timer ??= setInterval(() => void safeSweep(), everyMs);
      timer.unref();
      await safeSweep();
    },
    stop: () => clearInterval(timer),
  };
}
