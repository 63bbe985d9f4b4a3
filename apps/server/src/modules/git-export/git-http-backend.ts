import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { GitExportError } from './git-export-error.js';
import { GIT_BASE_ENV } from './run-git.js';

/** The end of a CGI header block is small; more before the blank line is not git http-backend talking. */
const MAX_CGI_HEADER_BYTES = 16 * 1024;

export interface GitHttpRequest {
  method: 'GET' | 'POST';
  /** The folder holding the repositories of one organisation. */
  projectRoot: string;
  /** `/<appId>.git/info/refs` or `/<appId>.git/git-upload-pack`. */
  pathInfo: string;
  queryString: string;
  contentType?: string;
  contentEncoding?: string;
  /** The Git-Protocol header (protocol v2). */
  gitProtocol?: string;
  body?: Buffer;
}

export interface GitHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

/**
 * Runs `git http-backend` as a CGI for one request, read-only: only upload-pack (clone, fetch) is
 * served; receive-pack is off whatever the repository says (`http.receivepack=false`) — the caller also
 * refuses it before getting here. The CGI's header block becomes the status and headers, the rest streams.
 */
export function gitHttpBackend(request: GitHttpRequest): Promise<GitHttpResponse> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: '/nonexistent',
        ...GIT_BASE_ENV,
        GIT_PROJECT_ROOT: request.projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'http.receivepack',
        GIT_CONFIG_VALUE_0: 'false',
        GIT_CONFIG_KEY_1: 'http.uploadpack',
        GIT_CONFIG_VALUE_1: 'true',
        GATEWAY_INTERFACE: 'CGI/1.1',
        REQUEST_METHOD: request.method,
        PATH_INFO: request.pathInfo,
        QUERY_STRING: request.queryString,
        CONTENT_TYPE: request.contentType ?? '',
        CONTENT_LENGTH: String(request.body?.length ?? 0),
        ...(request.contentEncoding ? { HTTP_CONTENT_ENCODING: request.contentEncoding } : {}),
        ...(request.gitProtocol ? { GIT_PROTOCOL: request.gitProtocol } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      child.kill();
      reject(error);
    };
    child.on('error', (error: NodeJS.ErrnoException) => fail(error.code === 'ENOENT' ? new GitExportError('GIT_MISSING', 500, 'The git binary is not installed on the server; install git (scripts/install-system-deps.sh).', { cause: error }) : error));
    child.stderr.resume();
    child.stdin.on('error', () => {}); // git may answer before reading the whole body
    child.stdin.end(request.body ?? Buffer.alloc(0));
    let head = Buffer.alloc(0);
    const body = new PassThrough();
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_CGI_HEADER_BYTES) fail(new GitExportError('GIT_FAILED', 500, 'git http-backend sent no header block; see the server log.'));
        return;
      }
      child.stdout.off('data', onData);
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'status') status = Number.parseInt(value, 10) || 500;
        else headers[name] = value;
      }
      body.write(head.subarray(end + 4));
      child.stdout.pipe(body);
      settled = true;
      resolve({ status, headers, body });
    };
    child.stdout.on('data', onData);
    child.on('close', (code) => {
      if (!settled) fail(new GitExportError('GIT_FAILED', 500, `git http-backend ended (exit ${code}) before answering.`));
    });
  });
}
