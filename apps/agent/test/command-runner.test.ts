import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { homeLayout } from '../src/agent-home.js';
import { commandJournalPath, createCommandRunner } from '../src/command-runner.js';
import { Deployer } from '../src/deployer.js';
import { readJson } from '../src/json-file.js';
import { createProcessRuntime } from '../src/runtimes/process-runtime.js';
import type { DeploymentReport } from '../src/server-client.js';

let home: string;
let reports: DeploymentReport[];
let closed: { id: string; state: string; reason?: { code: string } }[];
let runner: ReturnType<typeof createCommandRunner>;

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'command-runner-'));
  const layout = homeLayout(home);
  const deployer = await Deployer.open({ layout, runtime: createProcessRuntime() });
  reports = [];
  closed = [];
  runner = createCommandRunner({
    deployer,
    server: { closeCommand: async (id, outcome) => void closed.push({ id, ...outcome }) },
    report: async (entry) => void reports.push(entry),
    journalPath: commandJournalPath(join(layout.root, 'state')),
    log: () => {},
  });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const command = (type: 'rollback' | 'remove', id = `${type}-1`) => ({ id, type, app: 'notes', version: '1.1.0', deploymentId: '5d0c1a43-51d4-4a67-9d8f-0d0c5a4c2a11' });

describe('commands from the server', () => {
  it('counts removing an app that is not here as done, tells the server it is removed, and runs a command sent again only once', async () => {
    await runner.run([command('remove')]);
    expect(closed).toEqual([{ id: 'remove-1', state: 'done' }]);
    expect(reports).toEqual([{ app: 'notes', version: '1.1.0', state: 'removed', deploymentId: command('remove').deploymentId }]);

    await runner.run([command('remove')]);
    expect(closed).toHaveLength(2);
    expect(reports).toHaveLength(1);
    expect(await readJson(commandJournalPath(join(home, 'state')))).toMatchObject({ 'remove-1': { phase: 'done' } });
  });

  it('refuses to roll back a version that is not the one running, and says so when closing', async () => {
    await runner.run([command('rollback')]);
    expect(closed).toMatchObject([{ id: 'rollback-1', state: 'failed', reason: { code: 'VERSION_NOT_CURRENT' } }]);
    expect(reports).toEqual([]);
  });

  it('keeps the result when the answer cannot be sent, and sends it with the next delivery', async () => {
    let reachable = false;
    const layout = homeLayout(home);
    const deployer = await Deployer.open({ layout, runtime: createProcessRuntime() });
    const flaky = createCommandRunner({
      deployer,
      server: {
        closeCommand: async (id, outcome) => {
          if (!reachable) throw new Error('server unreachable');
          closed.push({ id, ...outcome });
        },
      },
      report: async (entry) => void reports.push(entry),
      journalPath: commandJournalPath(join(layout.root, 'state')),
      log: () => {},
    });
    await flaky.run([command('remove', 'remove-2')]);
    expect(closed).toEqual([]);
    reachable = true;
    await flaky.run([command('remove', 'remove-2')]);
    expect(closed).toEqual([{ id: 'remove-2', state: 'done' }]);
    expect(reports).toHaveLength(1);
  });
});
