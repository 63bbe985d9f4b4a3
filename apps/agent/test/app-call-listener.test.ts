import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../src/agent-home.js';
import { startTestAgent, type TestAgent } from './agent-home-fixture.js';
import { releaseMail, signedTinyRelease } from './release-fixtures.js';

/** The loopback listener apps call MCP tools on is opened only for an app that declares them (decision 0053). */
const IDENTITY = { agentId: 'listening-agent', mailbox: 'listening-agent@agents.example' };
const CALLER = 'calls-tools';
let work: string;
let t: TestAgent;

/** The app asks its agent for a tool; the answer says whether the agent (not a dead port) answered. */
async function appCallsAgent(): Promise<{ status: number; body: { code?: string } }> {
  const record = t.agent.deployer.apps().find((app) => app.name === CALLER)!;
  const response = await fetch(`http://127.0.0.1:${record.port}/mcp?server=example&tool=greet&use=source&name=Ada`);
  expect(response.status, 'the app reached its agent').toBe(200);
  return (await response.json()) as { status: number; body: { code?: string } };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'app-call-listener-'));
  t = await startTestAgent(work, IDENTITY);
}, 60_000);

afterAll(async () => {
  await t?.agent.stop({ stopApps: true });
  rmSync(work, { recursive: true, force: true });
});

describe('the app-call listener', () => {
  it('is not opened while no app declares MCP tools', async () => {
    await t.deliver(await releaseMail(await signedTinyRelease(t.signer, 'plain-app', '1.0.0'), { org: t.ctx.org, to: IDENTITY.mailbox, agentId: IDENTITY.agentId }));
    expect(t.agent.deployedVersion('plain-app')).toBe('1.0.0');
    expect(t.agent.appCallPort).toBe(0);
    expect(existsSync(homeLayout(t.home).appCalls)).toBe(false);
  }, 30_000);

  it('opens when an app that declares MCP tools is deployed, and that app reaches the agent', async () => {
    await t.deliver(await releaseMail(await signedTinyRelease(t.signer, CALLER, '1.0.0', { callsMcp: true }), { org: t.ctx.org, to: IDENTITY.mailbox, agentId: IDENTITY.agentId }));
    expect(t.agent.deployedVersion(CALLER)).toBe('1.0.0');
    expect(t.agent.appCallPort).toBeGreaterThan(0);
    // the agent forwards to its server, which does not answer in this test: the refusal is the agent's own
    const answer = await appCallsAgent();
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(answer.body.code).toEqual(expect.any(String));
  }, 30_000);

  it('after a restart, listens on the same port before it adopts such an app, so the running app keeps calling', async () => {
    const port = t.agent.appCallPort;
    await t.restart();
    expect(t.agent.appCallPort).toBe(port);
    const answer = await appCallsAgent();
    expect(answer.body.code).toEqual(expect.any(String));
  }, 30_000);
});
