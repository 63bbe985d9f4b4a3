import { hostname, platform } from 'node:os';
import { existsSync } from 'node:fs';
import { verifyKeyList } from '@marketplace/release';
import { AgentError } from './agent-error.js';
import { saveConfig, type AgentConfig } from './agent-config.js';
import { homeLayout } from './agent-home.js';
import { writeJsonAtomic } from './json-file.js';
import { newReportKeyPair, saveReportKey } from './report-key.js';

export interface EnrollOptions {
  server: string;
  code: string;
  home: string;
  name?: string;
  mailbox?: string;
  force?: boolean;
}

/** Exchanges a one-time code for credentials and the organisation root key; writes config.json (0600) and the first key list. */
export async function enroll(options: EnrollOptions): Promise<AgentConfig> {
  const layout = homeLayout(options.home);
  if (existsSync(layout.config) && !options.force) {
    throw new AgentError('ALREADY_ENROLLED', `This agent is already enrolled (${layout.config}). Pass --force to enrol it again, or use another --home.`);
  }
  let base: URL;
  try {
    base = new URL(options.server);
  } catch {
    throw new AgentError('ENROLL_FAILED', `--server must be the marketplace URL such as https://marketplace.example.com: got "${options.server}".`);
  }
  // The key status mails are signed with: the server takes a status mail only with this key's signature.
  const reportKey = newReportKeyPair();
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/agents/enroll', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: options.code, name: options.name ?? hostname(), hostname: hostname(), os: platform(), ...(options.mailbox ? { mailbox: options.mailbox } : {}), reportKey: reportKey.publicKey }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new AgentError('SERVER_UNREACHABLE', `The marketplace server ${base.origin} cannot be reached (${(error as Error).message}); check the URL and your network.`, { cause: error });
  }
  const body = (await response.json().catch(() => ({}))) as any;
  if (!response.ok) throw new AgentError('ENROLL_FAILED', `Enrolment was refused (${response.status}): ${body.detail ?? response.statusText}`);
  const keyList = verifyKeyList({ keyList: body.keyList, rootPublicKey: body.root.publicKey, org: body.orgId });
  if (!keyList.ok) throw new AgentError('ENROLL_FAILED', `The server's key list does not verify against its root key (${keyList.code}); do not use this server, tell your administrator.`);
  const config: AgentConfig = {
    configVersion: 1,
    serverUrl: options.server.replace(/\/+$/, ''),
    orgId: body.orgId,
    agentId: body.agentId,
    clientId: body.clientId,
    clientSecret: body.clientSecret,
    mailbox: body.mailbox,
    rootPublicKey: body.root.publicKey,
    rootFingerprint: body.root.fingerprint,
    enrolledAt: new Date().toISOString(),
    // where the server's embedded mail hub keeps this mailbox (read without --maildir when it is on this machine)
    ...(typeof body.maildir === 'string' && body.maildir ? { hubMaildir: body.maildir } : {}),
  };
  await saveConfig(layout, config);
  await saveReportKey(layout, reportKey.privateKey);
  await writeJsonAtomic(layout.keyList, { json: body.keyList, version: keyList.keyList.version });
  return config;
}
