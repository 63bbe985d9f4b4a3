import { DatabaseError } from '@marketplace/db';
import { GeneratorError } from '@marketplace/generators';
import { LlmError } from '@marketplace/llm';
import { MailError } from '@marketplace/mail';
import { ReleaseError } from '@marketplace/release';
import { SpecEngineError } from '@marketplace/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@marketplace/db';
import { buildApp } from '../src/composition/app.js';
import { loadConfig } from '../src/config/config.js';
import type { ServerDatabase } from '../src/db/database.js';
import type { FastifyInstance } from 'fastify';
import { TEST_SECRET } from './helper.js';

/** One error of each package, thrown by a route as it would escape from a service. */
const THROWN: Record<string, () => Error> = {
  release: () => new ReleaseError('KEY_NOT_IN_LIST', 'The key is not in the organisation key list; list it first.'),
  generators: () => new GeneratorError('UNKNOWN_KIND', 'There is no generator for kind "robot"; use one of GET /api/v1/templates.'),
  spec: () => new SpecEngineError('invalid-spec', 'The spec has no entities; describe at least one thing to keep track of.'),
  mail: () => new MailError('MESSAGE_NOT_FOUND', 'The message is gone from the mailbox.'),
  llm: () => new LlmError('RATE_LIMITED', 'Too many assistant calls; wait a minute.'),
  db: () => new DatabaseError('DATABASE_UNREACHABLE', 'Cannot reach postgres at 10.0.0.5:5432 (ECONNREFUSED).'),
};

describe("package errors reach the client with the package's code", () => {
  let app: FastifyInstance;
  let database: ServerDatabase;

  beforeAll(async () => {
    database = (await createDatabase({ memory: true })) as ServerDatabase;
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, DATA_DIR: '/nonexistent-test-data-dir', SMTP_LISTEN_PORT: '0' });
    app = await buildApp({ config, database });
    app.get('/throw/:pkg', { config: { auth: false } }, async (request) => {
      throw THROWN[(request.params as { pkg: string }).pkg]!();
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  const cases: [string, number, string][] = [
    ['release', 404, 'KEY_NOT_IN_LIST'],
    ['generators', 422, 'UNKNOWN_KIND'],
    ['spec', 422, 'invalid-spec'],
    ['mail', 404, 'MESSAGE_NOT_FOUND'],
    ['llm', 429, 'RATE_LIMITED'],
    ['db', 503, 'DATABASE_UNREACHABLE'],
  ];
  it.each(cases)('%s: answers %i with code %s as problem+json', async (pkg, status, code) => {
    const response = await app.inject({ method: 'GET', url: `/throw/${pkg}` });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status, code, instance: `/throw/${pkg}`, requestId: expect.any(String) });
  });

  it('shows the message of a client error, and hides the one of a server-side failure', async () => {
    expect((await app.inject({ method: 'GET', url: '/throw/release' })).json().detail).toBe('The key is not in the organisation key list; list it first.');
    const failed = (await app.inject({ method: 'GET', url: '/throw/db' })).json();
    expect(failed.detail).not.toContain('10.0.0.5');
    expect(failed.detail).toContain(failed.requestId);
  });

  it('still answers 500 INTERNAL for an error without a code', async () => {
    const plain = new Error('boom');
    THROWN.plain = () => plain;
    const response = await app.inject({ method: 'GET', url: '/throw/plain' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'INTERNAL' });
  });
});
