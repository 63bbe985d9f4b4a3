import { appManifestSchema, type AppManifest } from '@marketplace/release';
import { parseAppSpec, type AppSpec } from '@marketplace/spec';
import { z } from 'zod';
import { notice } from '../../http/notice.js';
import { StepFailure } from './pipeline-steps.js';

/**
 * The JSON a step reads back from the database is checked against its schema before use: a row
 * changed by hand (or by an older version) fails the step with a code instead of misbehaving.
 */
export function storedSpec(value: unknown): AppSpec {
  const parsed = parseAppSpec(value);
  if (!parsed.ok) {
    const issues = parsed.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new StepFailure('SPEC_INVALID', `The request's stored AppSpec is invalid: ${issues}; submit the request again.`, notice('failure.storedSpecInvalid', { issues: issues.slice(0, 500) }));
  }
  return parsed.spec;
}

export function storedManifest(value: unknown): AppManifest {
  const parsed = appManifestSchema.safeParse(value);
  const issue = (parsed.error?.issues[0]?.message ?? 'unknown').slice(0, 500);
  if (!parsed.success) throw new StepFailure('MANIFEST_INVALID', `The generated app's stored manifest is invalid (${issue}); submit the request again.`, notice('failure.storedManifestInvalid', { issue }));
  return parsed.data;
}

const scanVerdict = z.enum(['clean', 'flagged']);
const storedScanReportSchema = z.object({ verdict: scanVerdict, scanners: z.array(z.object({ name: z.string(), verdict: scanVerdict, detail: z.string().optional() }).passthrough()) }).passthrough();

export function storedScanReport(value: unknown): z.infer<typeof storedScanReportSchema> {
  const parsed = storedScanReportSchema.safeParse(value);
  const issue = (parsed.error?.issues[0]?.message ?? 'unknown').slice(0, 500);
  if (!parsed.success) throw new StepFailure('SCAN_REPORT_INVALID', `The stored scan report is invalid (${issue}); submit the request again.`, notice('failure.storedScanReportInvalid', { issue }));
  return parsed.data;
}
