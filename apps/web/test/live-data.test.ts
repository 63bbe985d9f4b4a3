import { describe, expect, it } from 'vitest';
import { invalidationsFor, pollInterval, reconnectDelay } from '../src/api/live-events';
import { parsePeriod, PERIODS } from '../src/analytics/periods';
import { finished, stagesOf } from '../src/chat/pipeline-stages';
import type { RequestProgress } from '../src/chat/pipeline-stages';
import type { QueuedDelivery } from '../src/api/types';
import { deliveryOutcome } from '../src/app-page/distribute-panel';

describe('live events', () => {
  it('makes stale exactly the queries that show what changed', () => {
    expect(invalidationsFor('request', { id: 'r1', state: 'validating', step: 'validate', stepState: 'running', appId: null })).toEqual([['request', 'r1']]);
    expect(invalidationsFor('request', { id: 'r1', state: 'published', appId: 'a1', version: '1.0.0' })).toEqual([['request', 'r1'], ['app', 'a1'], ['apps']]);
    expect(invalidationsFor('deployment', { id: 'd1', appId: 'a1', state: 'healthy' })).toEqual([['deployments'], ['deployment', 'd1'], ['app', 'a1']]);
    expect(invalidationsFor('conversation', { id: 'c1', state: 'building' })).toEqual([['conversation', 'c1']]);
    expect(invalidationsFor('delivery', { id: 'x', appId: 'a1', recipient: 'agent@x', state: 'sent' })).toEqual([['request'], ['app', 'a1']]);
    expect(invalidationsFor('campaign', { id: 'k1', appId: 'a1', state: 'sending', counts: { sent: 3 } })).toEqual([['campaigns'], ['campaign', 'k1']]);
    expect(invalidationsFor('mail-backlog', { waiting: 2, processing: 0, quarantined: 0, oldestSeconds: 5 })).toEqual([['mail-backlog'], ['mail-analyses']]);
    expect(invalidationsFor('ready', {})).toEqual([]);
  });

  it('reconnects with growing waits, and pages poll only while not connected', () => {
    expect([0, 1, 2, 3, 10].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 60_000]);
    expect(pollInterval(true, 5000)).toBe(false);
    expect(pollInterval(false, 5000)).toBe(5000);
  });
});

describe('analytics period', () => {
  it('reads the period from the URL and falls back to 7 days', () => {
    expect(PERIODS.map(parsePeriod)).toEqual(['24h', '7d', '30d', '90d']);
    expect(parsePeriod(null)).toBe('7d');
    expect(parsePeriod('1y')).toBe('7d');
  });
});

describe('build progress', () => {
  const request = (over: Partial<RequestProgress>): RequestProgress => ({ state: 'validating', steps: [], ...over });
  const step = (name: string, state: 'pending' | 'running' | 'done' | 'failed', error: string | null = null): RequestProgress['steps'][number] => ({ name, state, durationMs: state === 'done' ? 1500 : null, attempts: 1, error: error ? { code: 'X', message: error } : null });

  it('shows seven stages, the pipeline steps then delivery', () => {
    const stages = stagesOf(request({ steps: [step('generate', 'done'), step('validate', 'failed', 'npm test failed')] }));
    expect(stages.map((s) => [s.name, s.state])).toEqual([['generate', 'done'], ['validate', 'failed'], ['package', 'pending'], ['scan', 'pending'], ['sign', 'pending'], ['publish', 'pending'], ['deliver', 'pending']]);
    expect(stages[0]!.durationMs).toBe(1500);
    expect(stages[1]!.error).toBe('npm test failed');
  });

  it('delivers when the release e-mails are sent; none to send is skipped; a server without deliveries leaves it pending', () => {
    const published = request({ state: 'published', steps: ['generate', 'validate', 'package', 'scan', 'sign', 'publish'].map((n) => step(n, 'done')) });
    expect(stagesOf(published).at(-1)!.state).toBe('pending');
    expect(finished(published)).toBe(false);
    const sending: RequestProgress = { ...published, deliveries: [{ id: 'd1', recipient: 'a@x', state: 'sent', error: null }, { id: 'd2', recipient: 'b@x', state: 'queued', error: null }] };
    expect(stagesOf(sending).at(-1)!.state).toBe('running');
    const done: RequestProgress = { ...published, deliveries: [{ id: 'd1', recipient: 'a@x', state: 'sent', error: null }, { id: 'd2', recipient: 'b@x', state: 'failed', error: 'mailbox full' }] };
    expect(stagesOf(done).at(-1)).toMatchObject({ state: 'done', error: 'b@x: mailbox full', sent: 1 });
    expect(finished(done)).toBe(true);
    expect(finished(request({ state: 'failed' }))).toBe(true);
    // Published, and the requester has no workstation: nothing to deliver, and nothing to wait for.
    const nowhere = { ...published, deliveries: [] };
    expect(stagesOf(nowhere).at(-1)!.state).toBe('skipped');
    expect(finished(nowhere)).toBe(true);
    expect(stagesOf({ ...published, state: 'signing', deliveries: [] }).at(-1)!.state).toBe('pending');
    // sent nowhere because the organisation sends releases only when someone installs them: said so, not "no workstation"
    expect(stagesOf({ ...nowhere, deliverySkipped: 'no-workstation' }).at(-1)).toMatchObject({ state: 'skipped' });
    expect(stagesOf({ ...nowhere, deliverySkipped: 'no-workstation' }).at(-1)!.notAutomatic).toBeUndefined();
    expect(stagesOf({ ...nowhere, deliverySkipped: 'not-automatic' }).at(-1)).toMatchObject({ state: 'skipped', notAutomatic: true });
  });
});

describe('install message', () => {
  const delivery = (state: QueuedDelivery['state'], existing = state === 'sent'): QueuedDelivery => ({ id: state, recipient: 'a@x', agentId: 'ag1', state, error: null, createdAt: '2026-01-01T00:00:00Z', sentAt: null, existing });

  it('says queued only for new release e-mails; an earlier delivery handed back is said to be old news', () => {
    expect(deliveryOutcome([delivery('queued')])).toEqual([{ key: 'appPage.sent', count: 1 }]);
    expect(deliveryOutcome([delivery('sent')])).toEqual([{ key: 'appPage.alreadySent', count: 1 }]);
    // a delivery still on its way, handed back to a second click, is not a new e-mail either
    expect(deliveryOutcome([delivery('queued', true)])).toEqual([{ key: 'appPage.alreadySent', count: 1 }]);
    expect(deliveryOutcome([delivery('sending', false), delivery('sent'), delivery('failed')])).toEqual([
      { key: 'appPage.sent', count: 1 },
      { key: 'appPage.alreadySent', count: 1 },
      { key: 'appPage.sendFailed', count: 1 },
    ]);
  });
});
