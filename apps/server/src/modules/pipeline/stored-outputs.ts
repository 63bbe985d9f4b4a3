import { appManifestSchema, type AppManifest } from '@marketplace/release';
import { parseAppSpec, type AppSpec } from '@marketplace/spec';
import { z } from 'zod';
import { StepFailure } from './pipeline-steps.js';

/**
 * The JSON a step reads back from the database is checked against its schema before use: a row
 * changed by hand (or by an older version) fails the step with a code instead of misbehaving.
 */
export function storedSpec(value: unknown): AppSpec {
  const parsed = parseAppSpec(value);
  if (!parsed.ok) throw new StepFailure('SPEC_INVALID', `The request's stored AppSpec is invalid: ${parsed.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}; submit the request again.`);
  return parsed.spec;
}

export function storedManifest(value: unknown): AppManifest {
  const parsed = appManifestSchema.safeParse(value);
  if (!parsed.success) throw new StepFailure('MANIFEST_INVALID', `The generated app's stored manifest is invalid (${parsed.error.issues[0]?.message ?? 'unknown'}); submit the request again.`);
  return parsed.data;
}

const scanVerdict = z.enum(['clean', 'flagged']);
const storedScanReportSchema = z.object({ verdict: scanVerdict, scanners: z.array(z.object({ name: z.string(), verdict: scanVerdict, detail: z.string().optional() }).passthrough()) }).passthrough();

export function storedScanReport(value: unknown): z.infer<typeof storedScanReportSchema> {
  const parsed = storedScanReportSchema.safeParse(value);
  if (!parsed.success) throw new StepFailure('SCAN_REPORT_INVALID', `The stored scan report is invalid (${parsed.error.issues[0]?.message ?? 'unknown'}); submit the request again.`);
  return parsed.data;
}
