import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Git server for push tests: real `git http-backend` (receive-pack on) as a CGI behind a tiny Node HTTP
 * server on loopback that asks for HTTP Basic credentials, as GitLab, Gitea or a plain Apache setup do.
 * Records every Authorization header it saw, so a test can tell what reached the wire.
 */
export interface GitRemoteServer {
  url: string;
  authorizations: string[];
  close(): Promise<void>;
}

export async function startGitRemoteServer(options: { root: string; username: string; password: string }): Promise<GitRemoteServer> {
  const authorizations: string[] = [];
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const authorization = request.headers.authorization;
    if (authorization) authorizations.push(authorization);
    if (authorization !== expected) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="test git"', 'content-type': 'text/plain' }).end('Authentication required\n');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.receivepack',
        GIT_CONFIG_VALUE_0: 'true',
        REMOTE_USER: options.username,
        GATEWAY_INTERFACE: 'CGI/1.1',
        REQUEST_METHOD: request.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(request.headers['content-encoding']) } : {}),
        ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    request.pipe(child.stdin);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        if (name === 'status') status = Number.parseInt(line.slice(colon + 1), 10);
        else headers[name] = line.slice(colon + 1).trim();
      }
      response.writeHead(status, headers);
      response.write(head.subarray(end + 4));
      child.stdout.pipe(response);
    };
    child.stdout.on('data', onData);
    child.on('close', () => {
      if (!response.headersSent) response.writeHead(500).end('git http-backend sent nothing\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
