import { randomUUID } from 'node:crypto';
import { createDatabase, migrate } from '@marketplace/db';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrations } from '../src/composition/migrations.js';
import type { ServerDatabase } from '../src/db/database.js';
import type { Db } from '../src/db/schema.js';
import { createLimitedAppCallsAudit, type LimitedAppCall } from '../src/modules/mcp-client/limited-app-calls.js';

/**
 * Calls refused over MCP_APP_CALLS_PER_MINUTE are audited like every other refusal, but a looping
 * app cannot flood the audit log: the first refusal of a window at once, the rest as one counted entry.
 */
let database: ServerDatabase;
const db = () => database.db as Db;
const WINDOW_MS = 60_000;
/** an agent credential no agent holds: the entries name no agent, as for a revoked one */
const CLIENT = randomUUID();

beforeAll(async () => {
  database = (await createDatabase({ memory: true })) as ServerDatabase;
  await migrate(database as any, migrations);
}, 120_000);
afterAll(async () => database.close());
afterEach(() => vi.useRealTimers());

async function newOrg() {
  const orgId = randomUUID();
  await db().insertInto('organizations').values({ id: orgId, name: 'Limited Org', slug: `limited-${orgId.slice(0, 8)}` }).execute();
  return orgId;
}
const limitedEntries = (orgId: string) =>
  db().selectFrom('audit_log').selectAll().where('org_id', '=', orgId).where('action', '=', 'mcp.tool.call').orderBy('seq').execute();
const refusal = (orgId: string, app: string, tool = 'greet'): LimitedAppCall => ({ orgId, clientRowId: CLIENT, call: { app, version: '1.0.0', server: 'sdk-example', tool, use: 'source', arguments: { name: 'Ada' } } });

describe('calls refused over the per-deployment limit', () => {
  it('audits the first refusal at once with the app and tool, and the following ones of the window as one entry with their count', async () => {
    const orgId = await newOrg();
    const audit = createLimitedAppCallsAudit({ db: db(), log: pino({ level: 'silent' }) }, { windowMs: WINDOW_MS, limit: 20 });
    audit.refused(refusal(orgId, 'greeter'));
    for (let i = 0; i < 500; i += 1) audit.refused(refusal(orgId, 'greeter', i % 2 ? 'greet' : 'multi-greet'));
    // another deployment's refusals are its own
    audit.refused(refusal(orgId, 'digest'));
    await audit.close();

    const entries = await limitedEntries(orgId);
    expect(entries.map((e) => [e.result, e.actor_type, e.details.code, e.details.app, e.details.tool, e.details.refused])).toEqual([
      ['denied', 'agent', 'MCP_APP_CALLS_LIMITED', 'greeter', 'greet', 1],
      ['denied', 'agent', 'MCP_APP_CALLS_LIMITED', 'digest', 'greet', 1],
      ['denied', 'agent', 'MCP_APP_CALLS_LIMITED', 'greeter', 'greet', 500],
    ]);
    expect(entries[0]!.details).toMatchObject({ server: 'sdk-example', version: '1.0.0', use: 'source', purpose: 'automation', limitPerMinute: 20, argumentNames: ['name'] });
    expect(entries[2]!.details.tools).toEqual(['multi-greet', 'greet'].map((tool) => `sdk-example/${tool}`));
    expect(JSON.stringify(entries)).not.toContain('Ada');
  });

  it('writes the count when the window ends, and a flood that goes on starts a new window', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const orgId = await newOrg();
    const audit = createLimitedAppCallsAudit({ db: db(), log: pino({ level: 'silent' }) }, { windowMs: WINDOW_MS, limit: 20 });
    for (let i = 0; i < 3; i += 1) audit.refused(refusal(orgId, 'greeter'));
    vi.advanceTimersByTime(WINDOW_MS);
    audit.refused(refusal(orgId, 'greeter'));
    vi.useRealTimers();
    await audit.close();

    expect((await limitedEntries(orgId)).map((e) => e.details.refused)).toEqual([1, 2, 1]);
  });

  it('writes nothing more when a single call was refused', async () => {
    const orgId = await newOrg();
    const audit = createLimitedAppCallsAudit({ db: db(), log: pino({ level: 'silent' }) }, { windowMs: WINDOW_MS, limit: 20 });
    audit.refused(refusal(orgId, 'greeter'));
    await audit.close();
    expect((await limitedEntries(orgId)).map((e) => e.details.refused)).toEqual([1]);
  });
});

describe('calls naming a deployment the agent does not have', () => {
  it('are audited per agent, not per name: the first at once, the rest of the window as one entry listing the names', async () => {
    const orgId = await newOrg();
    const audit = createLimitedAppCallsAudit({ db: db(), log: pino({ level: 'silent' }) }, { windowMs: WINDOW_MS, limit: 20, refusal: 'unknown-deployment' });
    // awaiting the first refusal means its entry is written
    await audit.refused(refusal(orgId, 'made-up-0'));
    expect((await limitedEntries(orgId)).map((e) => [e.status_code, e.details.code, e.details.app, e.details.refused])).toEqual([[404, 'MCP_DEPLOYMENT_UNKNOWN', 'made-up-0', 1]]);
    for (let i = 1; i <= 100; i += 1) await audit.refused(refusal(orgId, `made-up-${i}`));
    await audit.close();

    const entries = await limitedEntries(orgId);
    expect(entries.map((e) => [e.status_code, e.details.code, e.details.refused])).toEqual([
      [404, 'MCP_DEPLOYMENT_UNKNOWN', 1],
      [404, 'MCP_DEPLOYMENT_UNKNOWN', 100],
    ]);
    expect(entries[1]!.details.apps).toHaveLength(20);
    expect((entries[1]!.details.apps as string[])[0]).toBe('made-up-1@1.0.0');
    expect(entries[1]!.details).not.toHaveProperty('limitPerMinute');
  });
});
