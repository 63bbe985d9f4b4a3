import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createLlmGateway } from '../src/index.js';
import { useWireServer } from './support/recorded-wire-server.js';
import { recordingBuiltin, userRequest } from './support/test-gateway.js';

const server = useWireServer();

it('logs through a real pino logger: structured lines with a component, no key and no message text (recorded wire-protocol server)', async () => {
  const key = 'sk-test-pino-SECRET-0123456789';
  const echo = JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', code: 'invalid_api_key' } });
  server.on('POST', '/v1/chat/completions', { status: 401, body: echo });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, destination);
  const gateway = createLlmGateway({
    providers: [{ id: 'openai', kind: 'openai', apiKey: key, baseURL: `${server.url}/v1`, defaultModel: 'gpt-4o-mini' }],
    builtin: recordingBuiltin(),
    logger,
  });

  const result = await gateway.generateText(userRequest('my salary spreadsheet is confidential'));

  expect(result.notice).toBe('providers-unavailable');
  const parsed = lines.map((line) => JSON.parse(line) as { component?: string; msg?: string; code?: string });
  expect(parsed.length).toBeGreaterThanOrEqual(2);
  expect(parsed.every((line) => line.component === 'llm-gateway')).toBe(true);
  expect(parsed.some((line) => line.code === 'PROVIDER_AUTH_FAILED')).toBe(true);
  const all = lines.join('\n');
  expect(all).not.toContain(key);
  expect(all).not.toContain('salary spreadsheet');
});
