import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReleaseEmail, PROCESSED_FOLDER, REJECTED_FOLDER } from '@marketplace/mail';
import { deliveryAsksReinstall } from '@marketplace/release';
import type { Deployer, Outcome } from './deployer.js';
import type { NonceStore } from './delivery-nonces.js';
import type { Journal } from './journal.js';
import { mailKey } from './mail-key.js';
import { describeUnavailableReadPaths, findUnavailableReadPaths, READ_PATH_MISSING } from './read-path-access.js';
import { checkDelivery, checkRelease, describeGrants, type ReleaseCheckDeps } from './release-check.js';
import type { DeploymentReport } from './server-client.js';
import { extendReason, notice, reason, refusedRelease, type Reason } from './reason.js';

const SLUG = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

export interface ProcessorDeps extends ReleaseCheckDeps {
  deployer: Deployer;
  journal: Journal;
  /** Nonces of accepted delivery statements (replays are refused). */
  nonces: NonceStore;
  report(report: DeploymentReport): Promise<unknown>;
  maxDownloadBytes?: number;
}

export type MailDecision = { kind: 'ignore' } | { kind: 'move'; folder: typeof PROCESSED_FOLDER | typeof REJECTED_FOLDER; state: string };

/**
 * One mail, start to finish: triage, verification against the pinned root and the newest key
 * list, deployment, and the report. Returns where the mail goes; unrelated mail is left alone.
 */
export async function processRelease(raw: Buffer, deps: ProcessorDeps): Promise<MailDecision> {
  const parsed = await parseReleaseEmail(raw);
  if (parsed.kind === 'not-release') return { kind: 'ignore' };
  const key = mailKey(raw);
  const { deployer, journal } = deps;

  if (parsed.kind === 'invalid') {
    await journal.put({ key, phase: 'processing', startedAt: new Date().toISOString() });
    const named = /X-Marketplace-Release:\s*([a-z0-9-]+)@(\S+)/i.exec(raw.subarray(0, 16_384).toString('latin1'));
    await reportIfNamed(deps, named?.[1], named?.[2], refusedRelease(parsed.code, `The release e-mail was refused: ${parsed.message}`));
    return finish(deps, key, REJECTED_FOLDER, 'rejected');
  }

  const { app, version } = parsed.headers;
  // the same mail again while its journal entry says "processing": the agent stopped half-way through it
  const resumed = (await journal.get(key))?.phase === 'processing';
  await journal.put({ key, phase: 'processing', app, version, startedAt: new Date().toISOString() });
  const work = join(deps.layout.downloads, key);
  const refuse = (why: Reason) => ({ refused: { app, version, state: 'rejected' as const, reason: why } });
  let readPathNote: Reason | null = null;
  try {
    const deployed = await deployer.deploy(app, async (deployedVersion) => {
      await deps.report({ app, version, state: 'received' });
      await mkdir(work, { recursive: true, mode: 0o700 });
      const bundlePath = join(work, 'bundle.tgz');
      if (parsed.bundle) await writeFile(bundlePath, parsed.bundle, { mode: 0o600 });
      else if (parsed.downloadUrl) {
        const fetched = await download(parsed.downloadUrl, bundlePath, deps.maxDownloadBytes ?? 256 * 1024 * 1024);
        if (fetched) return refuse(reason('BUNDLE_DOWNLOAD_FAILED', fetched, notice('deployment.downloadFailed', { error: fetched })));
      } else return refuse(reason('MISSING_BUNDLE', 'The release e-mail carries neither the bundle nor a download link.', notice('deployment.bundleMissing')));

      // Redeploy: the marketplace sent the running version again on purpose; the version check lets the
      // equal version pass, and admit() below accepts it only if the verified statement says so
      const reinstall = deployedVersion === version && deliveryAsksReinstall(parsed.deliveryJson);
      const verified = await checkRelease(deps, { envelopeJson: parsed.envelopeJson, bundlePath, app, deployedVersion: reinstall ? undefined : deployedVersion });
      if (!verified.ok) return refuse(refusedRelease(verified.code, verified.message));
      if (verified.statement.version !== version) return refuse(refusedRelease('APP_MISMATCH', `The e-mail names ${app}@${version} but the signed release is ${verified.statement.app} ${verified.statement.version}.`));

      const release = { app, version, sha256: verified.statement.bundle.sha256 };
      return {
        manifest: verified.manifest,
        bundlePath,
        sha256: release.sha256,
        // checked once the bundle is safely unpacked, before anything of it runs: an altered
        // release is refused for what it is, a genuine one only if it was not sent to this agent
        admit: async () => {
          const admitted = await checkDelivery(deps, { deliveryJson: parsed.deliveryJson, keyList: verified.keyList, release, manifest: verified.manifest, mailKey: key, resumed, reinstall });
          if (!admitted.ok) return refusedRelease(admitted.code, admitted.message);
          // the files outside the data folder this app may read are shown at install: in the log and the deployment's history
          const grants = admitted.granted.length ? describeGrants(app, version, admitted.granted) : null;
          if (grants) deps.log(grants.message);
          await deps.report({ app, version, state: 'deploying', ...(grants ? { reason: grants } : {}) });
          // a granted file that is not there (yet) does not stop the install, but the person is told which and what to do
          const unavailable = await findUnavailableReadPaths(admitted.granted);
          if (unavailable.length) {
            readPathNote = describeUnavailableReadPaths(app, version, unavailable);
            deps.log(`${READ_PATH_MISSING}: ${readPathNote.message}`);
          }
          return null;
        },
      };
    });
    const outcome = readPathNote ? withReadPathNote(deployed, readPathNote) : deployed;
    if (outcome.state === 'rejected') deps.log(`rejected ${app} ${version}: ${outcome.report.reason?.code} ${outcome.report.reason?.message}`);
    else deps.log(`${app} ${version}: ${outcome.state}${outcome.report.reason ? ` (${outcome.report.reason.code})` : ''}`);
    await deps.report(outcome.report);
    return finish(deps, key, outcome.state === 'healthy' ? PROCESSED_FOLDER : REJECTED_FOLDER, outcome.state);
  } catch (error) {
    // a local failure (disk full while saving the bundle, an unreadable state file …): refuse this
    // release once, clearly, rather than retrying it forever; the running version is untouched
    const code = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'NO_SPACE' : 'AGENT_ERROR';
    const message = `The agent could not install ${app} ${version}: ${(error as Error).message}. Free the resource named and ask for the release to be sent again.`;
    deps.log(`rejected ${app} ${version}: ${code} ${message}`);
    await deps.report(refuse(reason(code, message, notice('deployment.installFailed', { app, version, error: (error as Error).message }))).refused);
    return finish(deps, key, REJECTED_FOLDER, 'rejected');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The final report names the missing workstation file: as the reason of a healthy deployment, or after
 * the reason of one that failed (the missing file may be why).
 */
function withReadPathNote(outcome: Outcome, note: Reason): Outcome {
  if (outcome.state === 'rejected') return outcome;
  const why = outcome.report.reason ? extendReason(outcome.report.reason, note.message, ...(note.notices ?? [])) : note;
  return { ...outcome, report: { ...outcome.report, reason: why } };
}

async function finish(deps: ProcessorDeps, key: string, folder: typeof PROCESSED_FOLDER | typeof REJECTED_FOLDER, state: string): Promise<MailDecision> {
  const entry = await deps.journal.get(key);
  await deps.journal.put({ ...(entry ?? { key, startedAt: new Date().toISOString() }), phase: 'done', folder });
  return { kind: 'move', folder, state };
}

async function reportIfNamed(deps: ProcessorDeps, app: string | undefined, version: string | undefined, why: Reason) {
  if (app && version && SLUG.test(app) && SEMVER.test(version)) await deps.report({ app, version, state: 'rejected', reason: why });
  else deps.log(`rejected a release e-mail that names no valid app@version: ${why.code} ${why.message}`);
}

async function download(url: string, path: string, maxBytes: number): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(120_000), redirect: 'follow' });
    if (!response.ok || !response.body) return `GET ${url} answered ${response.status}; the link may have expired, ask for the release to be sent again.`;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) return `The download is larger than ${maxBytes} bytes.`;
      chunks.push(Buffer.from(chunk));
    }
    await writeFile(path, Buffer.concat(chunks), { mode: 0o600 });
    return null;
  } catch (error) {
    return `The bundle could not be downloaded from ${url} (${(error as Error).message}).`;
  }
}

export const tempName = () => randomBytes(6).toString('hex');
