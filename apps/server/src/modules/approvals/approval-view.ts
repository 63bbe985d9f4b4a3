import { z } from 'zod';
import type { Db } from '../../db/schema.js';
import { relayedNoticeSchema } from '../../http/notice.js';
import { iso, isoOrNull } from '../../http/responses.js';
import type { ApprovalRow } from './approvals-repository.js';

export const approvalSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['publish', 'distribute']),
    state: z.enum(['waiting', 'approved', 'rejected']),
    app: z.string(),
    version: z.string().nullable(),
    requestId: z.string().nullable(),
    requestedBy: z.string().nullable(),
    reasons: z.array(
      z.object({
        code: z.string(),
        message: z.string(),
        notice: relayedNoticeSchema.optional().describe('message as a code and parameters (approval.*), worded by the UI in the reader’s language; absent on approvals older than notices'),
      }),
    ),
    hosts: z.array(z.string()).describe('The hosts the app reaches through its sources and outputs'),
    subject: z.record(z.string(), z.unknown()).describe('For a distribution: the version and the recipients asked for'),
    spec: z.record(z.string(), z.unknown()).nullable(),
    scanReport: z.record(z.string(), z.unknown()).nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Approval' });
export type Approval = z.infer<typeof approvalSchema>;

/** Approvals with what a reviewer needs to decide: the spec and the scan report of the request (or of the version sent). */
export async function approvalViews(db: Db, rows: ApprovalRow[]): Promise<Approval[]> {
  const requestIds = rows.map((row) => row.request_id).filter((id): id is string => Boolean(id));
  const requests = requestIds.length
    ? await db.selectFrom('requests').leftJoin('request_outputs', 'request_outputs.request_id', 'requests.id').select(['requests.id', 'requests.spec', 'request_outputs.scan_report']).where('requests.id', 'in', requestIds).execute()
    : [];
  const versionIds = rows.map((row) => (row.subject as { versionId?: string }).versionId).filter((id): id is string => typeof id === 'string');
  const versions = versionIds.length ? await db.selectFrom('app_versions').select(['id', 'spec', 'scan_report']).where('id', 'in', versionIds).execute() : [];
  return rows.map((row) => {
    const source = row.request_id ? requests.find((r) => r.id === row.request_id) : versions.find((v) => v.id === (row.subject as { versionId?: string }).versionId);
    return {
      id: row.id,
      kind: row.kind,
      state: row.state,
      app: row.app_name,
      version: row.version,
      requestId: row.request_id,
      requestedBy: row.requested_by,
      reasons: row.reasons,
      hosts: row.hosts,
      subject: row.subject,
      spec: (source?.spec as Record<string, unknown> | undefined) ?? null,
      scanReport: (source?.scan_report as Record<string, unknown> | null | undefined) ?? null,
      decidedBy: row.decided_by,
      decidedAt: isoOrNull(row.decided_at),
      note: row.note,
      createdAt: iso(row.created_at),
    };
  });
}
