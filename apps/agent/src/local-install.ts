import { notice, reason, refusedRelease } from './reason.js';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkReadPaths, DEFAULT_LIMITS, type ReleaseLimits } from '@marketplace/release';
import { loadConfig } from './agent-config.js';
import { agentUser } from './agent-user.js';
import { homeLayout, type HomeLayout } from './agent-home.js';
import { Deployer, type Outcome } from './deployer.js';
import { checkRelease } from './release-check.js';
import { createProcessRuntime } from './runtimes/process-runtime.js';
import type { Runtime } from './runtimes/runtime.js';
import { createServerClient, type DeploymentReport } from './server-client.js';

export interface LocalInstallOptions {
  home: string;
  /** `<name>-<version>.release.json` as downloaded. */
  releasePath: string;
  /** `<name>-<version>.tgz` as downloaded. */
  bundlePath: string;
  runtime?: Runtime;
  /** Replaces GET /api/v1/keys as the source of the current key list. */
  fetchKeyList?: () => Promise<string | null>;
  maxHealthTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * `marketplace-agent install <release.json> --bundle <tgz>`: a person at the workstation installs a
 * release they downloaded. Everything the agent checks for mailed releases is checked (signature
 * under the pinned root, key list, organisation, newer version, hash, size, policy, safe archive)
 * except the delivery statement: choosing the files here is the delivery. The action is appended to
 * `<home>/logs/local-actions.log` and reported to the server with the code LOCAL_INSTALL.
 */
export async function installLocal(options: LocalInstallOptions): Promise<Outcome> {
  const layout = homeLayout(options.home);
  const config = await loadConfig(layout);
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const server = createServerClient(config, layout);
  const limits = { ...DEFAULT_LIMITS, ...(config.limits as Partial<ReleaseLimits> | undefined) };
  const releasePath = resolve(options.releasePath);
  const bundlePath = resolve(options.bundlePath);
  const info = await stat(releasePath).catch(() => null);
  if (!info?.isFile()) return refused('unknown', '0.0.0', 'RELEASE_UNREADABLE', `${releasePath} is not a readable file; pass the .release.json that came with the bundle.`);
  if (info.size > limits.maxEnvelopeBytes) return refused('unknown', '0.0.0', 'MALFORMED_ENVELOPE', `${releasePath} is ${info.size} bytes, more than a release file may be (${limits.maxEnvelopeBytes}).`);
  const envelopeJson = await readFile(releasePath, 'utf8');
  const claimed = claimedRelease(envelopeJson);

  const deployer = await Deployer.open({ layout, runtime: options.runtime ?? createProcessRuntime(), limits, maxHealthTimeoutMs: options.maxHealthTimeoutMs, log });
  const by = agentUser();
  try {
    const outcome = await deployer.deploy(claimed.app, async (deployedVersion) => {
      const verified = await checkRelease({ config, layout, log, fetchKeyList: options.fetchKeyList ?? (async () => (await server.keys()).keyList) }, { envelopeJson, bundlePath, app: claimed.app, deployedVersion });
      if (!verified.ok) return { refused: { app: claimed.app, version: claimed.version, state: 'rejected', reason: refusedRelease(verified.code, verified.message) } };
      // the organisation grants workstation files only in a signed delivery statement, which an install by hand has not
      const grant = checkReadPaths(verified.manifest, []);
      if (!grant.ok) {
        const message = `${grant.message} An install by hand carries no signed grant: ask for the release to be sent to this workstation instead.`;
        return { refused: { app: claimed.app, version: claimed.version, state: 'rejected', reason: refusedRelease(grant.code, message) } };
      }
      return { manifest: verified.manifest, bundlePath, sha256: verified.statement.bundle.sha256 };
    });
    const note = reason('LOCAL_INSTALL', `Installed by hand on this workstation by ${by} from ${releasePath}.`, notice('deployment.installedLocally', { by, path: releasePath }));
    const report: DeploymentReport = outcome.state === 'healthy' ? { ...outcome.report, reason: note } : outcome.report;
    await recordLocalAction(layout, { action: 'install', by, app: claimed.app, version: claimed.version, outcome: outcome.state, ...(outcome.report.reason ? { code: outcome.report.reason.code } : {}), release: releasePath, bundle: bundlePath });
    log(`local install of ${claimed.app} ${claimed.version} by ${by}: ${outcome.state}${outcome.report.reason ? ` (${outcome.report.reason.code}: ${outcome.report.reason.message})` : ''}`);
    await server.report(report).catch((error) => log(`the server was not told (${(error as Error).message})`));
    return { ...outcome, report };
  } finally {
    await deployer.close();
  }

  async function refused(app: string, version: string, code: string, message: string): Promise<Outcome> {
    await recordLocalAction(layout, { action: 'install', by: agentUser(), app, version, outcome: 'rejected', code, release: releasePath, bundle: bundlePath });
    log(`local install refused: ${code} ${message}`);
    return { state: 'rejected', report: { app, version, state: 'rejected', reason: { code, message } } };
  }
}

/** The app and version the (not yet verified) release names: only to pick the app's lock and for the log; verification decides. */
function claimedRelease(json: string): { app: string; version: string } {
  try {
    const statement = JSON.parse(Buffer.from(JSON.parse(json).payload, 'base64').toString('utf8')) as { app?: unknown; version?: unknown };
    const app = typeof statement.app === 'string' && /^[a-z][a-z0-9-]{0,62}$/.test(statement.app) ? statement.app : 'unknown';
    const version = typeof statement.version === 'string' && statement.version.length <= 64 ? statement.version : '0.0.0';
    return { app, version };
  } catch {
    return { app: 'unknown', version: '0.0.0' };
  }
}

/** One JSON line per action a person took at the workstation. */
export async function recordLocalAction(layout: HomeLayout, entry: Record<string, string>): Promise<void> {
  await mkdir(dirname(layout.localActions), { recursive: true, mode: 0o700 });
  await appendFile(layout.localActions, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`, { mode: 0o600 });
}
