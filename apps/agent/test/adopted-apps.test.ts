import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/health-loop.js';
import { probeHealth } from '../src/health-check.js';
import type { DeploymentReport } from '../src/server-client.js';
import { startTestAgent, type TestAgent } from './agent-home-fixture.js';
import { releaseMail, signedTinyRelease } from './release-fixtures.js';

/** Apps a previous agent process started are supervised like the agent's own after it restarts. */
const APP = 'kept-alive';
const IDENTITY = { agentId: 'adopting-agent', mailbox: 'adopting-agent@agents.example' };
let work: string;
let t: TestAgent;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'adopted-apps-'));
  t = await startTestAgent(work, IDENTITY);
  for (const version of ['1.0.0', '2.0.0']) await t.deliver(await releaseMail(await signedTinyRelease(t.signer, APP, version), { org: t.ctx.org, to: IDENTITY.mailbox, agentId: IDENTITY.agentId }));
  expect(t.agent.deployedVersion(APP)).toBe('2.0.0');
}, 60_000);

afterAll(async () => {
  await t?.agent.stop({ stopApps: true });
  rmSync(work, { recursive: true, force: true });
});

describe('adopted apps', () => {
  it('lists the version it replaced as replaced in the heartbeat inventory', () => {
    expect(inventory(t.agent.deployer)).toEqual([
      { name: APP, version: '2.0.0', state: 'healthy' },
      { name: APP, version: '1.0.0', state: 'replaced' },
    ]);
  });

  it('restarts an adopted app that dies, and reports it unhealthy and then healthy again', async () => {
    const before = t.agent.deployer.apps().find((app) => app.name === APP)!;
    await t.restart();
    const adopted = t.agent.deployer.apps().find((app) => app.name === APP)!;
    expect(adopted.pid).toBe(before.pid);
    expect((await probeHealth(adopted.port!, '/healthz')).ok).toBe(true);

    process.kill(-adopted.pid!, 'SIGKILL');
    const seen: DeploymentReport[] = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(seen.some((r) => r.state === 'unhealthy') && seen.at(-1)?.state === 'healthy')) {
      seen.push(...(await t.agent.deployer.checkHealth()));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen.map((report) => report.state)).toEqual(['unhealthy', 'healthy']);
    expect(seen[1]).toMatchObject({ app: APP, version: '2.0.0', health: { ok: true } });
    expect((await probeHealth(adopted.port!, '/healthz')).ok).toBe(true);
  }, 40_000);
});
