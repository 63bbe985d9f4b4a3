import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Db } from '../src/db/schema.js';
import { call, register, type Account } from './helper.js';

export interface McpOrg {
  admin: Account;
  /** An API key of the admin (all roles), as an MCP client would be configured with. */
  key: string;
  /** An API key with the reviewer role only: it may read, not build nor send to others. */
  reviewerKey: string;
  agentId: string;
  appId: string;
  appName: string;
  versionId: string;
  deploymentId: string;
}

/** An organisation with an admin, their API key and agent, a published app and a deployment of it. */
export async function seedMcpOrg(app: FastifyInstance, db: Db, organization: string, appName: string): Promise<McpOrg> {
  const admin = await register(app, { organization });
  const key = (await call(app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'assistant', roles: ['admin'] } })).json().key as string;
  const reviewerKey = (await call(app, admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'reviewer-assistant', roles: ['reviewer'] } })).json().key as string;
  const { code } = (await call(app, admin, { method: 'POST', url: '/api/v1/agents/enrollments' })).json();
  const enrolled = (await app.inject({ method: 'POST', url: '/api/v1/agents/enroll', payload: { code, name: `${appName}-laptop`, hostname: `${appName}-host`, os: 'linux' } })).json();
  const appId = randomUUID();
  const versionId = randomUUID();
  await db.insertInto('apps').values({ id: appId, org_id: admin.orgId, name: appName, title: `${appName} tracker`, summary: `Tracks ${appName} for the team`, kind: 'form-app', tags: [], spec: JSON.stringify({ specVersion: 1, name: appName, title: `${appName} tracker`, summary: 'Tracks things', kind: 'form-app' }), latest_version: '1.0.0', author_id: admin.userId }).execute();
  await db
    .insertInto('app_versions')
    .values({ id: versionId, app_id: appId, org_id: admin.orgId, version: '1.0.0', request_id: null, spec: '{}', manifest: '{}', changelog: 'First version', bundle_sha256: 'a'.repeat(64), bundle_size: 1, key_id: 'k', release_json: '{}', validation_report: JSON.stringify({ ok: true, tests: 3 }), scan_report: JSON.stringify({ verdict: 'clean' }), published_by: admin.userId })
    .execute();
  const agentToken = (await app.inject({ method: 'POST', url: '/api/v1/oauth/token', payload: { grant_type: 'client_credentials', client_id: enrolled.clientId, client_secret: enrolled.clientSecret } })).json().access_token;
  const report = await call(app, { token: agentToken }, { method: 'POST', url: '/api/v1/agents/reports', payload: { app: appName, version: '1.0.0', state: 'healthy' } });
  return { admin, key, reviewerKey, agentId: enrolled.agentId, appId, appName, versionId, deploymentId: report.json().deploymentId };
}

/** A tool's answer: its structured result, or its problem (code, status, detail) when it is a tool error. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ ok: boolean; body: any }> {
  // generous: a child process on a busy machine may answer its first call slowly
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
  return { ok: !result.isError, body: result.structuredContent };
}
