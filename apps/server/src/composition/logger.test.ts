import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, serializeError } from './logger.js';

describe('error logging', () => {
  it('never writes the SQL statement or its parameters a database error carries, only what went wrong', () => {
    const body = 'my secret meeting notes '.repeat(2000);
    const dbError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', query: 'insert into conversation_messages (text) values ($1)', params: [body], parameters: [body], detail: body });
    const wrapped = new Error('could not save the turn', { cause: dbError });
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info' });
    const out = pino({ serializers: { err: (error: unknown) => serializeError(error) } }, new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) }));
    out.error({ err: wrapped }, 'failed');
    expect(lines.join('')).toContain('0x00');
    expect(lines.join('')).toContain('22021');
    expect(lines.join('')).not.toContain('secret meeting');
    expect(lines.join('')).not.toContain('insert into');
    expect(lines.join('').length).toBeLessThan(5000);
    // the server's own logger uses the same serializer for err and error
    const serializers = (logger as unknown as Record<symbol, Record<string, (e: unknown) => unknown>>)[pino.symbols.serializersSym]!;
    expect(JSON.stringify(serializers.err!(wrapped))).not.toContain('secret meeting');
    expect(JSON.stringify(serializers.error!(dbError))).not.toContain('secret meeting');
  });
});

describe('request URLs in logs', () => {
  it.each([
    ['/api/v1/feeds/catalog.atom?token=mpf_abcDEF123_-xyz', '/api/v1/feeds/catalog.atom?token=[redacted]'],
    ['/api/v1/feeds/catalog.atom?format=full&TOKEN=anything', '/api/v1/feeds/catalog.atom?format=full&TOKEN=[redacted]'],
    ['/api/v1/x?q=mpf%5Fabc123', '/api/v1/x?q=[redacted]'],
    ['/api/v1/feeds/mpf_abc123/catalog.atom', '/api/v1/feeds/[redacted]/catalog.atom'],
    ['/api/v1/apps?limit=5&q=rooms', '/api/v1/apps?limit=5&q=rooms'],
    ['/api/v1/apps', '/api/v1/apps'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
