import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { JobDefinition } from '@marketplace/db';
import { GeneratorError, generateApp, validateApp, writeApp } from '@marketplace/generators';
import { bundleFileName, createBundle, signRelease } from '@marketplace/release';
import canonicalize from 'canonicalize';
import { AppNotOwnedError, publishVersion, nextVersionFor, VersionExistsError } from '../catalog/catalog-repository.js';
import { appendAudit } from '../audit/audit-repository.js';
import { changelogFor, changelogRequestedBy } from '../catalog/version-changelog.js';
import { deliverToRequester } from '../distribution/deliver-to-requester.js';
import { updateInstalls } from '../distribution/update-installs.js';
import { GIT_EXPORT_JOB } from '../git-export/git-export-job.js';
import { notice } from '../../http/notice.js';
import { StepFailure } from './pipeline-steps.js';
import type { PipelineServices } from './pipeline-services.js';
import { loadFiles, loadOutputs, markPublished, saveFiles, saveOutputs } from './pipeline-repository.js';
import { storedManifest, storedScanReport, storedSpec } from './stored-outputs.js';
import { scanFiles } from './scanner.js';
import { scanWithClamd } from './clamd-scan.js';
import { stepJob, type StepData } from './step-job.js';
import { assertPublishApproved } from './publish-approval.js';
import { recordEvent } from '../events/events-repository.js';
import { requestEvent } from './request-events.js';

export const digestOf = (value: unknown) => `sha256:${createHash('sha256').update(canonicalize(value) ?? '').digest('hex')}`;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The six steps from AppSpec to catalog, each a job (listed in composition/jobs.ts). */
export function pipelineJobs(services: PipelineServices): JobDefinition<StepData>[] {
  const generate = stepJob(
    'generate',
    services,
    async ({ request }) => {
      const spec = storedSpec(request.spec);
      const version = request.version ?? (await nextVersionFor(services.db, request.org_id, spec.name));
      let app;
      try {
        app = generateApp(spec, { version });
      } catch (error) {
        // A domain decision, not an HTTP answer: a spec the generator refuses will be refused on every retry,
        // so it fails the request at once with the generator's code instead of retrying with backoff.
        if (error instanceof GeneratorError) throw new StepFailure(error.code, error.message, notice('failure.generatorRefused', { reason: error.message.slice(0, 500) }));
        throw error;
      }
      await saveFiles(services.db, request.id, [...app.files].map(([path, content]) => [path, content]));
      await saveOutputs(services.db, request.id, { manifest: app.manifest });
      await services.db.updateTable('requests').set({ version }).where('id', '=', request.id).execute();
    },
    { expireInSeconds: 120 },
  );

  const validate = stepJob(
    'validate',
    services,
    async ({ request }) => {
      const outputs = await loadOutputs(services.db, request.id);
      const manifest = storedManifest(outputs?.manifest);
      const dir = join(services.workDir, `validate-${request.id}-${randomUUID().slice(0, 8)}`);
      await mkdir(dir, { recursive: true });
      try {
        const files = await loadFiles(services.db, request.id);
        await writeApp(dir, new Map([...files].filter(([path]) => !path.startsWith('dist/')).map(([path, file]) => [path, file.content.toString('utf8')])));
        const report = await validateApp({ dir, spec: storedSpec(request.spec), manifest, warmNext: true });
        await saveOutputs(services.db, request.id, { validation_report: report });
        if (!report.ok) {
          const failed = report.steps.find((step) => !step.ok);
          const step = failed?.name ?? 'unknown';
          const detail = failed?.detail ?? 'no detail';
          // The failed check's message is the tool's own (shown as written); the sentence around it is worded by the UI.
          throw new StepFailure('VALIDATION_FAILED', `The generated app failed validation at "${step}": ${detail}.`, notice('failure.validation', { step, detail: detail.slice(0, 500) }), failed?.output);
        }
        const built = await walk(join(dir, 'dist'));
        await saveFiles(services.db, request.id, await Promise.all(built.map(async (file) => [relative(dir, file), await readFile(file)] as [string, Buffer])), 'dist/');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    // Validation spends its time in child processes: two at once keep a 2-core machine busy. Its own
    // limits add up to 270 s (build, tests, start, health, exercise, stop); a dead worker is noticed by the heartbeat.
    { expireInSeconds: 330, concurrency: 2 },
  );

  const pack = stepJob(
    'package',
    services,
    async ({ request }) => {
      const files = await loadFiles(services.db, request.id);
      const bundle = await createBundle({ files: new Map([...files].map(([path, file]) => [path, { content: file.content, mode: file.mode }])) });
      await saveOutputs(services.db, request.id, { bundle: bundle.data, bundle_sha256: bundle.sha256, bundle_size: bundle.size });
    },
    { expireInSeconds: 120 },
  );

  const scan = stepJob(
    'scan',
    services,
    async ({ request }) => {
      const report = scanFiles(await loadFiles(services.db, request.id));
      if (services.clamd) {
        const outputs = await loadOutputs(services.db, request.id);
        if (!outputs?.bundle) throw new Error('the bundle is missing');
        const clam = await scanWithClamd(Buffer.from(outputs.bundle), services.clamd);
        report.scanners.push(clam);
        if (clam.verdict === 'flagged') report.verdict = 'flagged';
      }
      await saveOutputs(services.db, request.id, { scan_report: report });
      if (report.verdict === 'flagged') {
        const details = report.scanners.filter((s) => s.verdict === 'flagged').map((s) => s.detail).join('; ');
        throw new StepFailure('SCAN_FLAGGED', `The scan flagged the app: ${details}.`, notice('failure.scanFlagged', { details: details.slice(0, 500) }));
      }
    },
    { expireInSeconds: 120 },
  );

  const sign = stepJob(
    'sign',
    services,
    async ({ request }) => {
      const outputs = await loadOutputs(services.db, request.id);
      if (!outputs?.bundle_sha256 || !outputs.bundle_size || !outputs.validation_report || !outputs.scan_report) throw new Error('the package and scan outputs are missing');
      const spec = storedSpec(request.spec);
      const version = request.version!;
      const { keyId, privateKey } = await services.keys.signingKey(request.org_id);
      const now = new Date();
      const scanReport = storedScanReport(outputs.scan_report);
      const signed = signRelease(
        {
          app: spec.name,
          version,
          org: request.org_id,
          bundle: { name: bundleFileName(spec.name, version), sha256: outputs.bundle_sha256, size: outputs.bundle_size },
          specDigest: digestOf(spec),
          validationReportDigest: digestOf(outputs.validation_report),
          scan: { verdict: scanReport.verdict, scanners: scanReport.scanners.map(({ name, verdict, detail }) => ({ name, verdict, ...(detail ? { detail: detail.slice(0, 2000) } : {}) })) },
          approver: request.user_id ?? 'system',
          changelog: await changelogRequestedBy(services.db, await changelogFor(services.db, request.org_id, spec), request.requested_by, spec.language ?? 'en'),
          publishedAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + services.releaseValidityDays * 86_400_000).toISOString(),
          keyId,
        },
        privateKey,
      );
      await saveOutputs(services.db, request.id, { release_json: signed.json, key_id: keyId });
    },
    { expireInSeconds: 60 },
  );

  const publish = stepJob(
    'publish',
    services,
    async ({ request, logger }) => {
      const outputs = await loadOutputs(services.db, request.id);
      if (!outputs?.release_json || !outputs.bundle || !outputs.manifest) throw new Error('the signed release is missing');
      await assertPublishApproved(services, request);
      let published;
      try {
        published = await publishVersion(
          services.db,
          {
            requestId: request.id,
            orgId: request.org_id,
            userId: request.user_id,
            text: request.text,
            version: request.version!,
            spec: storedSpec(request.spec),
            manifest: outputs.manifest,
            bundle: outputs.bundle,
            bundleSha256: outputs.bundle_sha256!,
            bundleSize: outputs.bundle_size!,
            keyId: outputs.key_id!,
            releaseJson: outputs.release_json,
            validationReport: outputs.validation_report,
            scanReport: outputs.scan_report,
            files: await loadFiles(services.db, request.id),
          },
          async (trx, appId) => {
            await markPublished(trx, request.id, appId);
            // request.published is written with the publication itself (the outbox); the step's live 'done' follows.
            const event = await requestEvent(trx, request.id, 'publish', 'done');
            if (event) await recordEvent(trx, event);
          },
        );
      } catch (error) {
        // A domain decision: the version was published meanwhile (a conflict no retry can heal), so the
        // request fails at once with the conflict's code instead of retrying.
        if (error instanceof VersionExistsError) throw new StepFailure(error.code, error.message, notice('failure.versionExists', { app: storedSpec(request.spec).name, version: request.version! }));
        if (error instanceof AppNotOwnedError) {
          logger.warn({ requestId: request.id, appId: error.appId, code: error.code }, 'publish refused: the requester does not own the app');
          await appendAudit(services.db, {
            orgId: request.org_id,
            actorType: 'system',
            actorId: null,
            action: 'app.publish',
            targetType: 'app',
            targetId: error.appId,
            result: 'denied',
            details: { code: error.code, requestId: request.id, requester: request.user_id },
          });
          throw new StepFailure(error.code, error.message, notice('failure.appNotOwned', { app: storedSpec(request.spec).name }));
        }
        throw error;
      }
      await deliverToRequester({ ...services, logger }, request, published);
      await updateInstalls({ ...services, logger }, request, published);
      // The new version goes to the app's Git repository too (a job of its own: its retries never re-run the publication).
      await services.queue.send(GIT_EXPORT_JOB, { orgId: request.org_id, appId: published.appId });
    },
    { expireInSeconds: 120 },
  );

  return [generate, validate, pack, scan, sign, publish];
}
