import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

const httpExample = fileURLToPath(new URL('../../../node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js', import.meta.url));

/** Starts the MCP SDK's own example Streamable HTTP server (tools greet, multi-greet, …) and resolves once it says it listens. */
export async function startHttpExample(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [httpExample], { env: { ...process.env, MCP_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on port')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the example server exited (${code}): ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}
