/** A stand-in for a worker: runs a sandboxed command that never ends, says "ready", and waits to be killed. */
import { runProcess, sandboxed, type SandboxMode } from '../sandbox.js';

const [mode, seconds] = process.argv.slice(2) as [SandboxMode, string];
// A shell with a background child: the sandbox's first process and one it started.
void runProcess(sandboxed(mode, ['/bin/sh', '-c', `sleep ${seconds} & sleep ${seconds}; wait`]), { cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 600_000, outputChars: 100 });
setTimeout(() => process.stdout.write('ready\n'), 500);
