import type { Notice, PipelineRequest } from '../api/types';

/**
 * Client-side view of what the stages read of a request: `deliveries` may be absent (a server from
 * before deliveries were listed); a failed delivery carries its `error`.
 */
export type RequestProgress = Pick<PipelineRequest, 'state' | 'steps'> & { deliveries?: PipelineRequest['deliveries']; deliverySkipped?: PipelineRequest['deliverySkipped'] };

export const STAGES = ['generate', 'validate', 'package', 'scan', 'sign', 'publish', 'deliver'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageView {
  name: Stage;
  state: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  durationMs: number | null;
  /** Why the stage failed, in English, and as a notice the UI words in its language when the server sent one. */
  error: string | null;
  errorNotice?: Notice;
  /** Why a skipped delivery sent nothing: the organisation sends releases only when someone installs them. */
  notAutomatic?: boolean;
  /** Deliver: how many release e-mails were sent (to one workstation each). */
  sent?: number;
}

/**
 * The build's progress as seven stages: the pipeline's steps from GET /requests/{id}, then "deliver"
 * from the request's release e-mails. Publishing queues them for the requester's workstations, so a
 * published request with none has nothing to deliver (skipped: no workstation enrolled); a server
 * that does not list deliveries leaves the stage pending.
 */
export function stagesOf(request: RequestProgress | undefined): StageView[] {
  return STAGES.map((name): StageView => {
    if (name === 'deliver') {
      const deliveries = request?.deliveries ?? [];
      if (!deliveries.length) {
        const skipped = request?.state === 'published' && request.deliveries !== undefined;
        return { name, state: skipped ? 'skipped' : 'pending', durationMs: null, error: null, ...(skipped && request.deliverySkipped === 'not-automatic' ? { notAutomatic: true } : {}) };
      }
      const failed = deliveries.filter((d) => d.state === 'failed');
      const sent = deliveries.filter((d) => d.state === 'sent');
      const state = failed.length === deliveries.length ? 'failed' : sent.length + failed.length === deliveries.length ? 'done' : 'running';
      return { name, state, durationMs: null, error: failed.length ? failed.map((d) => `${d.recipient}: ${d.error ?? d.state}`).join('; ') : null, sent: sent.length };
    }
    const step = request?.steps.find((s) => s.name === name);
    return { name, state: step?.state ?? 'pending', durationMs: step?.durationMs ?? null, error: step?.error ? step.error.message : null, ...(step?.error?.notice ? { errorNotice: step.error.notice } : {}) };
  });
}

/** The request will not change any more (deliveries may still arrive over live events). */
export function finished(request: RequestProgress | undefined): boolean {
  return request?.state === 'failed' || (request?.state === 'published' && request.deliveries !== undefined && request.deliveries.every((d) => d.state === 'sent' || d.state === 'failed'));
}
