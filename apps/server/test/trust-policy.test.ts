import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailboxDirectory, startMailHub, type MailHub } from '@marketplace/mail/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/schema.js';
import { addUser, call, createPipelineApp, register, type Account } from './helper.js';

/**
 * Trust corpus, approvals and policies (issue 12, item 4) and the monitor's truth (item 8), on a
 * real server with the real job queue, its notification mails going over SMTP into the mail hub.
 * Each attack shows nothing was published, sent or changed, the refusal's code in the audit log,
 * and the legitimate flow beside it.
 */
let work: string;
let hub: MailHub;
let env: Awaited<ReturnType<typeof createPipelineApp>>;
let admin: Account;
let member: Account;
let reviewerA: Account;
let reviewerB: Account;
const db = () => env.t.database.db as Db;
const app = () => env.t.app;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'trust-policy-'));
  hub = await startMailHub({ dataDir: join(work, 'hub'), port: 0, fsync: false });
  env = await createPipelineApp({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(hub.port), PUBLIC_URL: 'https://marketplace.example.test' });
  admin = await register(app(), { organization: 'Policy Org' });
  member = await addUser(app(), admin, ['member']);
  reviewerA = await addUser(app(), admin, ['reviewer']);
  reviewerB = await addUser(app(), admin, ['reviewer']);
  const put = await call(app(), admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { publish: 'all', selfApproval: false } } } });
  expect(put.statusCode, put.body).toBe(200);
}, 120_000);

afterAll(async () => {
  await env?.close();
  await hub?.close();
  rmSync(work, { recursive: true, force: true });
});

async function waitForState(id: string, states: string[], timeoutMs = 150_000) {
  const started = Date.now();
  for (;;) {
    const body = (await call(app(), admin, { method: 'GET', url: `/api/v1/requests/${id}` })).json();
    if (states.includes(body.state)) return body;
    if (Date.now() - started > timeoutMs) throw new Error(`request ${id} still ${body.state}: ${JSON.stringify(body.steps)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const submit = async (who: Account, text: string) => {
  const response = await call(app(), who, { method: 'POST', url: '/api/v1/requests', payload: { text } });
  expect(response.statusCode, response.body).toBe(202);
  return response.json().id as string;
};

/** The review links mailed to one reviewer, newest last (quoted-printable soft breaks undone). */
function linksFor(account: Account): string[] {
  const inbox = join(mailboxDirectory(join(work, 'hub'), account.email), 'new');
  let files: string[] = [];
  try {
    files = readdirSync(inbox).sort();
  } catch {
    return [];
  }
  return files.flatMap((file) => [...readFileSync(join(inbox, file), 'utf8').replace(/=\r?\n/g, '').matchAll(/\/api\/v1\/approval-links\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!));
}

const approvalOf = (requestId: string) => db().selectFrom('approvals').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
const catalogTotal = async () => (await call(app(), admin, { method: 'GET', url: '/api/v1/apps' })).json().total as number;
const auditEntries = (action: string) => db().selectFrom('audit_log').selectAll().where('org_id', '=', admin.orgId).where('action', '=', action).orderBy('seq').execute();
const linkPost = (token: string, payload: object, who: Account | null = null) => call(app(), who, { method: 'POST', url: `/api/v1/approval-links/${token}`, payload });

describe('approvals: a request the policy holds', () => {
  let requestId: string;
  let tokenA: string;
  let tokenB: string;

  it('waits in awaiting-approval with nothing published, and mails each reviewer a link of their own', async () => {
    const before = await catalogTotal();
    requestId = await submit(member, 'I need a REST API to track laptops: serial number, owner e-mail, purchase date and status. Protect it with an API key.');
    const waiting = await waitForState(requestId, ['awaiting-approval', 'published', 'failed']);
    expect(waiting.state).toBe('awaiting-approval');
    expect(waiting.steps.find((s: { name: string }) => s.name === 'publish').state).toBe('pending');
    expect(await catalogTotal()).toBe(before);
    const approval = await approvalOf(requestId);
    expect(approval).toMatchObject({ state: 'waiting', kind: 'publish', requested_by: member.userId });
    expect(approval.reasons.map((r) => r.code)).toEqual(['POLICY_ALL_APPS']);
    // Reviewers see it with the spec and the scan report; members do not see the list at all.
    const listed = (await call(app(), reviewerA, { method: 'GET', url: '/api/v1/approvals' })).json().items;
    expect(listed.find((item: { id: string }) => item.id === approval.id)).toMatchObject({ app: approval.app_name, spec: { name: approval.app_name }, scanReport: { verdict: 'clean' } });
    expect((await call(app(), member, { method: 'GET', url: '/api/v1/approvals' })).statusCode).toBe(403);
    tokenA = linksFor(reviewerA)[0] ?? '';
    tokenB = linksFor(reviewerB)[0] ?? '';
    expect(tokenA).toBeTruthy();
    expect(tokenB).toBeTruthy();
    expect(tokenA).not.toBe(tokenB);
    expect(linksFor(member)).toEqual([]);
  }, 200_000);

  it('attack: GET on the link only shows the confirmation page; nothing changes', async () => {
    const page = await app().inject({ method: 'GET', url: `/api/v1/approval-links/${tokenA}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('method="post"');
    expect((await approvalOf(requestId)).state).toBe('waiting');
    expect((await waitForState(requestId, ['awaiting-approval'])).state).toBe('awaiting-approval');
    const used = await db().selectFrom('approval_links').select('used_at').where('approval_id', '=', (await approvalOf(requestId)).id).execute();
    expect(used.every((link) => link.used_at === null)).toBe(true);
  });

  it('attack: an altered link is refused with LINK_INVALID', async () => {
    const altered = `${tokenA.slice(0, -1)}${tokenA.endsWith('A') ? 'B' : 'A'}`;
    const response = await linkPost(altered, { decision: 'approve' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('LINK_INVALID');
    expect((await approvalOf(requestId)).state).toBe('waiting');
  });

  it('attack: reviewer A’s link used in reviewer B’s session is refused with LINK_WRONG_REVIEWER', async () => {
    const response = await linkPost(tokenA, { decision: 'approve' }, reviewerB);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('LINK_WRONG_REVIEWER');
    expect((await approvalOf(requestId)).state).toBe('waiting');
    const refused = (await auditEntries('approval.link')).at(-1)!;
    expect(refused).toMatchObject({ result: 'denied', target_id: (await approvalOf(requestId)).id });
    expect(refused.details).toMatchObject({ refused: 'LINK_WRONG_REVIEWER' });
  });

  it('attack: an expired link is refused with LINK_EXPIRED', async () => {
    await db().updateTable('approval_links').set({ expires_at: new Date(Date.now() - 1000) }).where('reviewer_id', '=', reviewerB.userId).execute();
    const response = await linkPost(tokenB, { decision: 'approve' });
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('LINK_EXPIRED');
    expect((await approvalOf(requestId)).state).toBe('waiting');
    expect((await auditEntries('approval.link')).at(-1)!.details).toMatchObject({ refused: 'LINK_EXPIRED' });
  });

  it('legitimate: reviewer A approves through their link (POST) and the request is published', async () => {
    const response = await linkPost(tokenA, { decision: 'approve', note: 'looks fine' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).toContain('approved');
    const done = await waitForState(requestId, ['published', 'failed']);
    expect(done.state, JSON.stringify(done.steps)).toBe('published');
    expect(await approvalOf(requestId)).toMatchObject({ state: 'approved', decided_by: reviewerA.userId, note: 'looks fine' });
    expect((await auditEntries('approval.link')).at(-1)).toMatchObject({ result: 'success', actor_id: reviewerA.userId, details: { via: 'link', decision: 'approved' } });
  }, 60_000);

  it('attack: the same link a second time is refused with LINK_USED', async () => {
    const response = await linkPost(tokenA, { decision: 'reject', note: 'changed my mind' });
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('LINK_USED');
    expect((await approvalOf(requestId)).state).toBe('approved');
    expect((await waitForState(requestId, ['published'])).state).toBe('published');
  });
});

describe('approvals: rejection and self-approval', () => {
  it('legitimate: a rejection in the web UI fails the request with the reviewer’s reason', async () => {
    const requestId = await submit(member, 'I need a REST API to track office chairs: room, colour and status. Protect it with an API key.');
    await waitForState(requestId, ['awaiting-approval']);
    const approval = await approvalOf(requestId);
    const response = await call(app(), reviewerB, { method: 'POST', url: `/api/v1/approvals/${approval.id}/reject`, payload: { reason: 'chairs belong in the asset register' } });
    expect(response.statusCode, response.body).toBe(200);
    const failed = await waitForState(requestId, ['failed', 'published']);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ step: 'publish', code: 'APPROVAL_REJECTED' });
    expect(failed.error.message).toContain('chairs belong in the asset register');
    // The reason travels as a notice too, for the UI to word in the reader's language; the step's error says the same.
    expect(failed.error.notice).toEqual({ code: 'failure.approvalRejected', params: { note: 'chairs belong in the asset register' } });
    expect(failed.steps.find((step: { name: string }) => step.name === 'publish').error.notice).toEqual(failed.error.notice);
    expect((await auditEntries('approval.reject')).at(-1)).toMatchObject({ result: 'success', details: { decision: 'rejected' } });
    // A decided approval cannot be decided again.
    const again = await call(app(), reviewerA, { method: 'POST', url: `/api/v1/approvals/${approval.id}/approve`, payload: {} });
    expect(again.json()).toMatchObject({ code: 'APPROVAL_DECIDED' });
  }, 200_000);

  it('attack: a requester approving their own request is refused where the policy forbids it', async () => {
    const adminLinks = linksFor(admin).length;
    const requestId = await submit(admin, 'I need a REST API to track parking spots: number, floor and holder e-mail. Protect it with an API key.');
    await waitForState(requestId, ['awaiting-approval']);
    const approval = await approvalOf(requestId);
    // The requester gets no link to their own request; the other reviewers do.
    expect(linksFor(admin)).toHaveLength(adminLinks);
    expect(linksFor(reviewerA).length).toBeGreaterThan(1);
    const own = await call(app(), admin, { method: 'POST', url: `/api/v1/approvals/${approval.id}/approve`, payload: {} });
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ code: 'SELF_APPROVAL_FORBIDDEN' });
    expect((await approvalOf(requestId)).state).toBe('waiting');
    expect((await auditEntries('approval.approve')).at(-1)).toMatchObject({ result: 'denied', details: { refused: 'SELF_APPROVAL_FORBIDDEN' } });
    const other = await call(app(), reviewerA, { method: 'POST', url: `/api/v1/approvals/${approval.id}/approve`, payload: {} });
    expect(other.statusCode, other.body).toBe(200);
    expect((await waitForState(requestId, ['published', 'failed'])).state).toBe('published');
  }, 200_000);
});

describe('policy: hosts apps may reach', () => {
  const spec = (url: string) => ({ specVersion: 1, name: 'meta-probe', title: 'Probe', summary: 's', kind: 'data-tool', sources: [{ type: 'http-json', url }] });

  it('attack: link-local and cloud-metadata sources and outputs are refused, naming the field; nothing is queued', async () => {
    const before = await db().selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', admin.orgId).executeTakeFirstOrThrow();
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://[fd00:ec2::254]/latest/', 'http://[::ffff:169.254.169.254]/', 'http://2852039166/', 'http://[fe80::1]/']) {
      const response = await call(app(), member, { method: 'POST', url: '/api/v1/requests', payload: { spec: spec(url) } });
      expect(response.statusCode, url).toBe(422);
      expect(response.json(), url).toMatchObject({ code: 'HOST_REFUSED', field: 'spec.sources.0.url' });
    }
    const output = await call(app(), member, { method: 'POST', url: '/api/v1/requests', payload: { spec: { ...spec('https://intranet.example.test/data.json'), outputs: [{ type: 'webhook', target: 'http://169.254.170.2/v2/credentials' }] } } });
    expect(output.json()).toMatchObject({ code: 'HOST_REFUSED', field: 'spec.outputs.0.target' });
    const after = await db().selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', admin.orgId).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await auditEntries('request.create')).at(-1)).toMatchObject({ result: 'failure', details: { refused: 'HOST_REFUSED', field: 'spec.outputs.0.target' } });
    // An ordinary intranet source is accepted.
    const fine = await call(app(), member, { method: 'POST', url: '/api/v1/requests', payload: { spec: spec('https://intranet.example.test/data.json') } });
    expect(fine.statusCode, fine.body).toBe(202);
    expect((await waitForState(fine.json().id, ['awaiting-approval', 'failed', 'published'])).state).toBe('awaiting-approval');
  }, 200_000);

  it('holds only apps reaching hosts outside the allow-list when the policy says so', async () => {
    await call(app(), admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { publish: 'outside-allow-list', allowedHosts: ['*.example.test'] } } } });
    const { publishReviewReasons } = await import('../src/modules/approvals/reach-policy.js');
    const policy = (await call(app(), admin, { method: 'GET', url: '/api/v1/config' })).json().settings.policy;
    expect(publishReviewReasons(spec('https://intranet.example.test/a'), policy, false)).toEqual([]);
    expect(publishReviewReasons(spec('https://evil.example.com/a'), policy, false)[0]).toMatchObject({ code: 'HOSTS_OUTSIDE_ALLOW_LIST' });
    const bad = await call(app(), admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { allowedHosts: ['https://x.example/path'] } } } });
    expect(bad.statusCode).toBe(400);
    await call(app(), admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { publish: 'all', allowedHosts: [] } } } });
  });
});

describe('policy: distributions to others', () => {
  it('attack: distribute to all waits for a reviewer, nothing is sent; approved, the deliveries go out', async () => {
    const { code } = (await call(app(), member, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const enrolled = await app().inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'desk', hostname: 'desk', os: 'linux' } });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    await call(app(), admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { distributeToOthers: true } } } });
    const version = await db().selectFrom('app_versions').select(['id', 'app_id', 'version']).where('org_id', '=', admin.orgId).executeTakeFirstOrThrow();
    const sent = await call(app(), admin, { method: 'POST', url: `/api/v1/apps/${version.app_id}/versions/${version.version}/distribute`, payload: { all: true } });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json().deliveries).toEqual([]);
    const approvalId = sent.json().approvalId as string;
    const deliveries = () => db().selectFrom('deliveries').select('agent_id').where('version_id', '=', version.id).where('agent_id', '=', enrolled.json().agentId).execute();
    expect(await deliveries()).toEqual([]);
    expect((await auditEntries('release.distribute')).at(-1)).toMatchObject({ details: { held: 'APPROVAL_REQUIRED', approvalId } });
    const approved = await call(app(), reviewerA, { method: 'POST', url: `/api/v1/approvals/${approvalId}/approve`, payload: {} });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await deliveries()).toHaveLength(1);
    // the release mail goes out (and the send job ends before the server stops)
    for (let i = 0; i < 100; i++) {
      const row = await db().selectFrom('deliveries').select('state').where('version_id', '=', version.id).where('agent_id', '=', enrolled.json().agentId).executeTakeFirstOrThrow();
      if (row.state === 'sent' || row.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await call(app(), admin, { method: 'PUT', url: '/api/v1/config', payload: { settings: { policy: { distributeToOthers: false } } } });
  });
});

describe('the monitor tells the truth: reconciliation from the heartbeat inventory', () => {
  let agent: { agentId: string; token: string };
  const heartbeat = (apps: object[]) => call(app(), agent, { method: 'POST', url: '/api/v1/agents/heartbeat', payload: { version: '1', os: 'linux', runtimes: ['process'], apps } });
  const stateOf = async (name: string, version: string) => (await db().selectFrom('deployments').select(['state', 'reason']).where('agent_id', '=', agent.agentId).where('app', '=', name).where('version', '=', version).executeTakeFirst()) ?? null;

  beforeAll(async () => {
    const { code } = (await call(app(), member, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
    const body = (await app().inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: 'mon', hostname: 'mon', os: 'linux' } })).json();
    const token = (await app().inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: body.clientId, client_secret: body.clientSecret } })).json().access_token;
    agent = { agentId: body.agentId, token };
  });

  it('shows a version a newer one took over as replaced, and keeps it a rollback target', async () => {
    for (const version of ['1.0.0', '1.1.0']) {
      expect((await call(app(), agent, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: 'rooms', version, state: 'healthy' } })).statusCode).toBe(201);
    }
    expect((await stateOf('rooms', '1.0.0'))?.state).toBe('healthy');
    expect((await heartbeat([{ name: 'rooms', version: '1.1.0', state: 'healthy' }, { name: 'rooms', version: '1.0.0', state: 'replaced' }])).statusCode).toBe(200);
    expect((await stateOf('rooms', '1.0.0'))?.state).toBe('replaced');
    const listed = (await call(app(), member, { method: 'GET', url: '/api/v1/deployments' })).json().items;
    expect(listed.find((d: { app: string; version: string }) => d.app === 'rooms' && d.version === '1.0.0').state).toBe('replaced');
    const current = listed.find((d: { app: string; version: string }) => d.app === 'rooms' && d.version === '1.1.0');
    const rollback = await call(app(), member, { method: 'POST', url: `/api/v1/deployments/${current.id}/rollback` });
    expect(rollback.statusCode, rollback.body).toBe(202);
  });

  it('a dead adopted app is unhealthy, healthy again when it came back, and a version no longer listed is not shown healthy', async () => {
    await heartbeat([{ name: 'adopted-wiki', version: '2.0.0', state: 'healthy' }]);
    expect((await stateOf('adopted-wiki', '2.0.0'))?.state).toBe('healthy');
    await heartbeat([{ name: 'adopted-wiki', version: '2.0.0', state: 'stopped' }]);
    expect(await stateOf('adopted-wiki', '2.0.0')).toMatchObject({ state: 'unhealthy', reason: { code: 'APP_STOPPED' } });
    await heartbeat([{ name: 'adopted-wiki', version: '2.0.0', state: 'healthy' }]);
    expect((await stateOf('adopted-wiki', '2.0.0'))?.state).toBe('healthy');
    const events = await db().selectFrom('deployment_events').innerJoin('deployments', 'deployments.id', 'deployment_events.deployment_id').select(['deployment_events.state', 'deployment_events.source']).where('deployments.app', '=', 'adopted-wiki').orderBy('deployment_events.at').execute();
    expect(events.map((e) => `${e.state}/${e.source}`)).toEqual(['healthy/heartbeat', 'unhealthy/heartbeat', 'healthy/heartbeat']);
    // gone from the inventory: no longer healthy; a steady heartbeat adds no history
    await heartbeat([]);
    expect(await stateOf('adopted-wiki', '2.0.0')).toMatchObject({ state: 'unhealthy', reason: { code: 'APP_NOT_RUNNING' } });
    await heartbeat([]);
    const after = await db().selectFrom('deployment_events').innerJoin('deployments', 'deployments.id', 'deployment_events.deployment_id').select('deployment_events.id').where('deployments.app', '=', 'adopted-wiki').execute();
    expect(after).toHaveLength(4);
  });

  it('refuses an inventory state the agent cannot have', async () => {
    const response = await heartbeat([{ name: 'rooms', version: '1.1.0', state: 'owned' }]);
    expect(response.statusCode).toBe(400);
  });
});
