import { performance } from 'node:perf_hooks';

/**
 * Median (p50) wall times of `runs` runs of each task after one warm-up each, the tasks taking
 * turns so load changes on a busy machine hit them alike. `untimed` runs after each task, outside
 * the measurement (to clean up what the task left).
 */
export async function alternateRuns(tasks: readonly (() => Promise<unknown>)[], runs: number, untimed: () => Promise<unknown> = async () => undefined): Promise<number[]> {
  for (const task of tasks) {
    await task();
    await untimed();
  }
  const times = tasks.map((): number[] => []);
  for (let index = 0; index < runs; index += 1) {
    for (const [slot, task] of tasks.entries()) {
      const start = performance.now();
      await task();
      times[slot]!.push(performance.now() - start);
      await untimed();
    }
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

/** `--runs`-style option text as a whole number within bounds, or an error naming the option. */
export function wholeNumberOption(name: string, text: string | undefined, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}: got '${text}'`);
  return value;
}
