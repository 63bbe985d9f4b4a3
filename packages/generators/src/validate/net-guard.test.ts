import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { networkNamespaceTool, sandboxed } from './sandbox.js';

const guard = fileURLToPath(new URL('./net-guard.mjs', import.meta.url));

/** Runs a script behind the guard, inside a fresh network namespace so nothing could leave even if the guard failed. */
function guardedRun(script: string): string {
  const [command, ...args] = sandboxed('netns', [process.execPath, '--import', guard, '--input-type=module', '-e', script]);
  const result = spawnSync(command!, args, { encoding: 'utf8', timeout: 10_000 });
  return result.stdout + result.stderr;
}

describe('net-guard.mjs (the preload sandbox)', () => {
  it('is tested inside a network namespace', () => {
    expect(networkNamespaceTool()).not.toBeNull();
    // setpriv (dies with the worker) runs unshare (the network namespace)
    expect(sandboxed('netns', ['node'])).toContain('unshare');
  });

  it('refuses TCP, fetch and DNS to anything but loopback before the kernel sees it', () => {
    const output = guardedRun(`
      import net from 'node:net';
      import dns from 'node:dns';
      const codes = [];
      await new Promise((done) => net.connect(443, '192.0.2.1').on('error', (e) => { codes.push('tcp:' + e.code); done(); }));
      await fetch('https://example.com/').catch((e) => codes.push('fetch:' + e.cause?.code));
      await dns.promises.lookup('example.com').catch((e) => codes.push('dns:' + e.code));
      console.log(codes.join(' '));
    `);
    expect(output.trim()).toBe('tcp:ESANDBOXNET fetch:ESANDBOXNET dns:ESANDBOXNET');
  });

  it('lets loopback through', () => {
    const output = guardedRun(`
      import http from 'node:http';
      const server = http.createServer((req, res) => res.end('local ok')).listen(0, '127.0.0.1', async () => {
        const text = await (await fetch('http://localhost:' + server.address().port + '/')).text().catch((e) => e.cause?.code);
        console.log(text);
        server.close();
      });
    `);
    expect(output.trim()).toBe('local ok');
  });
});
