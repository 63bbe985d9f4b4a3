import { describe, expect, it } from 'vitest';
import { scanFiles } from './scanner.js';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([path, text]) => [path, { content: Buffer.from(text) }]));

describe('the scan step', () => {
  it('passes ordinary app code', () => {
    expect(scanFiles(files({ 'src/server.mjs': 'import http from "node:http";\nhttp.createServer().listen(process.env.PORT);\n' })).verdict).toBe('clean');
  });

  it('flags a private key or a token anywhere, naming file and line, without echoing the secret', () => {
    const report = scanFiles(files({ 'src/a.mjs': 'ok\nconst k = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";\n', 'dist/server.mjs': '-----BEGIN PRIVATE KEY-----\n' }));
    expect(report.verdict).toBe('flagged');
    const secrets = report.scanners.find((s) => s.name === 'secrets')!;
    expect(secrets.findings!.map((f) => `${f.rule}@${f.path}:${f.line}`)).toEqual(['github-token@src/a.mjs:2', 'private-key@dist/server.mjs:1']);
    expect(JSON.stringify(report)).not.toContain('0123456789abcdefghijklmnopqrstuvwxyzAB');
  });

  it('flags dangerous code in the app itself but not in bundled libraries or tests', () => {
    expect(scanFiles(files({ 'src/x.mjs': 'eval(userInput)' })).verdict).toBe('flagged');
    expect(scanFiles(files({ 'dist/server.mjs': 'require("child_process")', 'test/helpers.mjs': 'import { spawn } from "node:child_process";' })).verdict).toBe('clean');
  });
});
