/**
 * `npm start` and `npx marketplace serve` run the server under `npm → sh -c → node`. A SIGTERM sent to npm
 * (by a supervisor, `kill`, a container runtime whose PID 1 is npm) reaches only the shell, which exits
 * without passing it on: the server would keep running, orphaned. When npm launched this process, a parent
 * that goes away is treated like the SIGTERM it received. Started any other way, nothing changes (a server
 * started with `nohup … &` must outlive its shell).
 */
export function stopWithLauncher(options: { env?: NodeJS.ProcessEnv; everyMs?: number; signal?: () => void } = {}): (() => void) | null {
  const env = options.env ?? process.env;
  if (env.npm_command === undefined && env.npm_lifecycle_event === undefined) return null;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    (options.signal ?? (() => process.kill(process.pid, 'SIGTERM')))();
  }, options.everyMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
