import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, serializeError } from './logger.js';

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
