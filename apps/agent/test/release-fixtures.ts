import { randomBytes, type KeyObject } from 'node:crypto';
import { buildReleaseEmail, createMailSender } from '@marketplace/mail';
import { createBundle, deliveryFileName, RELEASE_STATEMENT_TYPE, releaseFileName, signDelivery, signRelease, type DeliveryStatementInput } from '@marketplace/release';

export interface TinyAppOptions {
  /** Health path answers 500. */
  broken?: boolean;
  /** Waits this long before listening. */
  startDelayMs?: number;
  healthTimeoutSeconds?: number;
  /** Extra bytes of incompressible (random) payload. */
  padBytes?: number;
  /** On start, appends its version to APP_DATA_DIR/versions.txt; GET /data answers that file. */
  writesData?: boolean;
  /** With writesData: on SIGTERM, appends `stopped <version>` before exiting (an app saving what it holds in memory). */
  savesOnStop?: boolean;
  /** Declares a read-only file outside its data folder (app.json permissions.readPaths); GET /rows answers its lines. */
  readsFile?: { path: string; setting: string };
  /**
   * Declares MCP tools (app.json permissions.mcpTools): GET /mcp?server=&tool=&use=&name= calls the tool
   * through its agent (MARKETPLACE_AGENT_URL, MARKETPLACE_APP_TOKEN) with {name} and answers {status, body}.
   */
  callsMcp?: boolean;
}

/** A real, tiny Node.js app: answers its version on / and 200 (or 500 when broken) on /healthz. */
export function tinyAppFiles(name: string, version: string, options: TinyAppOptions = {}): Map<string, string | Buffer> {
  const manifest = {
    manifestVersion: 1,
    name,
    version,
    kind: 'api-service',
    title: `Tiny ${name}`,
    runtime: { name: 'node', version: '20' },
    start: ['node', 'server.js'],
    port: 8080,
    health: { path: '/healthz', timeoutSeconds: options.healthTimeoutSeconds ?? 10 },
    resources: { memoryMb: 64, cpu: 0.5, diskMb: 10 },
    permissions: { network: [], mail: false, filesystem: 'data-dir', ...(options.readsFile ? { readPaths: [options.readsFile] } : {}), ...(options.callsMcp ? { mcpTools: true } : {}) },
    ...(options.readsFile ? { env: [{ name: options.readsFile.setting, description: 'The export to read.', required: false, secret: false }] } : {}),
  };
  const server = [
    "const http = require('node:http');",
    options.writesData ? "const fs = require('node:fs'); const path = require('node:path'); const dataFile = path.join(process.env.APP_DATA_DIR, 'versions.txt');" : '',
    options.writesData ? `fs.appendFileSync(dataFile, '${version}\\n');` : '',
    options.writesData && options.savesOnStop ? `process.on('SIGTERM', () => { fs.appendFileSync(dataFile, 'stopped ${version}\\n'); process.exit(0); });` : '',
    `const server = http.createServer((req, res) => {`,
    options.readsFile
      ? `  if (req.url === '/rows') { try { return res.end(JSON.stringify(require('node:fs').readFileSync(process.env.${options.readsFile.setting}, 'utf8').trim().split('\\n'))); } catch (error) { res.statusCode = 500; return res.end(error.message); } }`
      : '',
    options.callsMcp
      ? [
          "  if (req.url.startsWith('/mcp?')) {",
          "    const q = new URL(req.url, 'http://app').searchParams;",
          "    return fetch(process.env.MARKETPLACE_AGENT_URL + '/mcp/call', { method: 'POST', headers: { authorization: 'Bearer ' + process.env.MARKETPLACE_APP_TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ server: q.get('server'), tool: q.get('tool'), use: q.get('use'), arguments: { name: q.get('name') } }) })",
          "      .then(async (answer) => res.end(JSON.stringify({ status: answer.status, body: await answer.json() })), (error) => { res.statusCode = 502; res.end(String(error)); });",
          '  }',
        ].join('\n')
      : '',
    options.writesData ? "  if (req.url === '/data') return res.end(fs.existsSync(dataFile) ? fs.readFileSync(dataFile, 'utf8') : '');" : '',
    `  if (req.url === '/healthz') { res.statusCode = ${options.broken ? 500 : 200}; return res.end(${options.broken ? "'broken on purpose'" : "'ok'"}); }`,
    `  res.end(JSON.stringify({ app: '${name}', version: '${version}', env: Object.keys(process.env).sort() }));`,
    '});',
    `setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on', process.env.PORT)), ${options.startDelayMs ?? 0});`,
    options.broken ? "console.error('Error: the database URL is missing (broken on purpose)');" : '',
  ].join('\n');
  const files = new Map<string, string | Buffer>([
    ['app.json', JSON.stringify(manifest, null, 2)],
    ['server.cjs', server],
    ['server.js', "require('./server.cjs');\n"],
  ]);
  if (options.padBytes) files.set('pad.bin', randomBytes(options.padBytes));
  return files;
}

export interface SignedTinyRelease {
  app: string;
  version: string;
  bundle: Buffer;
  bundleFileName: string;
  sha256: string;
  size: number;
  envelopeJson: string;
  envelopeFileName: string;
  keyId: string;
  /** Who signed it: the same key signs the delivery statements of releaseMail. */
  signer: { org: string; keyId: string; privateKey: KeyObject };
}

export async function signedTinyRelease(signer: { org: string; keyId: string; privateKey: KeyObject }, name: string, version: string, options: TinyAppOptions = {}): Promise<SignedTinyRelease> {
  const bundle = await createBundle({ files: tinyAppFiles(name, version, options) });
  const now = Date.now();
  const signed = signRelease(
    {
      _type: RELEASE_STATEMENT_TYPE,
      app: name,
      version,
      org: signer.org,
      bundle: { name: bundle.fileName, sha256: bundle.sha256, size: bundle.size },
      specDigest: `sha256:${'1'.repeat(64)}`,
      validationReportDigest: `sha256:${'2'.repeat(64)}`,
      scan: { verdict: 'clean', scanners: [{ name: 'secrets', verdict: 'clean' }] },
      approver: 'reviewer@example.test',
      publishedAt: new Date(now - 60_000).toISOString(),
      expiresAt: new Date(now + 30 * 86_400_000).toISOString(),
      keyId: signer.keyId,
    },
    signer.privateKey,
  );
  return { app: name, version, bundle: bundle.data, bundleFileName: bundle.fileName, sha256: bundle.sha256, size: bundle.size, envelopeJson: signed.json, envelopeFileName: releaseFileName(name, version), keyId: signer.keyId, signer };
}

let sequence = 0;

/** A delivery statement for `release`, signed by its signer, naming the agent `agentId` (what the server's send-release job signs). */
export function deliveryFor(release: SignedTinyRelease, options: { agentId: string; overrides?: Partial<DeliveryStatementInput> }): string {
  const now = Date.now();
  return signDelivery(
    {
      org: release.signer.org,
      recipient: { agentId: options.agentId },
      app: release.app,
      version: release.version,
      bundleSha256: release.sha256,
      nonce: randomBytes(16).toString('hex'),
      issuedAt: new Date(now - 60_000).toISOString(),
      expiresAt: new Date(now + 72 * 3_600_000).toISOString(),
      keyId: release.signer.keyId,
      ...options.overrides,
    },
    release.signer.privateKey,
  ).json;
}

/**
 * The release e-mail the server sends (same builder), to one agent mailbox `to`, with a delivery
 * statement naming the agent `agentId` that reads it; `delivery: false` leaves it out, a string replaces it.
 */
export function releaseMail(release: SignedTinyRelease, options: { org: string; to: string; agentId: string; from?: string; downloadUrl?: string; delivery?: false | string }): Promise<Buffer> {
  sequence += 1;
  const delivery = options.delivery === false ? undefined : (options.delivery ?? deliveryFor(release, options));
  return buildReleaseEmail({
    from: options.from ?? 'marketplace@marketplace.test',
    to: options.to,
    org: options.org,
    messageId: `<release.${release.app}.${release.version}.${process.pid}.${sequence}@marketplace.test>`,
    release: {
      app: release.app,
      version: release.version,
      title: `Tiny ${release.app}`,
      summary: 'A tiny app that answers its health path.',
      changelog: `Version ${release.version}.`,
      validationSummary: 'started and /healthz passed',
      scanSummary: 'no findings',
      signerKeyId: release.keyId,
      bundleFileName: release.bundleFileName,
      ...(options.downloadUrl ? {} : { bundle: release.bundle }),
      envelopeJson: release.envelopeJson,
      envelopeFileName: release.envelopeFileName,
      ...(delivery ? { deliveryJson: delivery, deliveryFileName: deliveryFileName(release.app, release.version) } : {}),
      sha256: release.sha256,
      size: release.size,
    },
    ...(options.downloadUrl ? { downloadUrl: options.downloadUrl } : {}),
  });
}

/** Sends raw mail over SMTP (nodemailer) to the hub. */
export async function sendMail(hub: { host: string; port: number }, raw: Buffer, from: string, to: string): Promise<void> {
  const sender = createMailSender({ host: hub.host, port: hub.port, secure: false });
  const result = await sender.send({ raw, envelope: { from, to: [to] } });
  await (sender as any).close?.();
  if (!result.ok) throw new Error(`SMTP refused the mail: ${result.response ?? result.code}`);
}
