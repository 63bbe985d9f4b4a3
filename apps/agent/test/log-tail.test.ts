import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_TAIL_LIMITS, readLogTail, redactLog, REDACTED } from '../src/log-tail.js';

const dir = mkdtempSync(join(tmpdir(), 'log-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the log tail an agent sends', () => {
  it('hides the app’s secret setting values and anything that looks like a credential, and keeps the rest readable', () => {
    const log = [
      'listening on 8080',
      'connecting to postgres://app:s3cr3t-pass@db.internal:5432/notes',
      'GET /api with Authorization: Bearer abcdefghijklmnop1234',
      'config {"password":"hunter2hunter2","port":8080}',
      'API_KEY=zxcvbnmasdfgh token: tok_123456789',
      'key mpk_0123456789abcdef used; session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature',
      'the stored secret is Xy7-very-private-value',
    ].join('\n');
    const out = redactLog(log, ['Xy7-very-private-value', 'short']);
    for (const secret of ['s3cr3t-pass', 'abcdefghijklmnop1234', 'hunter2hunter2', 'zxcvbnmasdfgh', 'tok_123456789', 'mpk_0123456789abcdef', 'eyJhbGciOiJIUzI1NiJ9', 'Xy7-very-private-value']) expect(out).not.toContain(secret);
    expect(out).toContain('listening on 8080');
    expect(out).toContain(`postgres://app:${REDACTED}@db.internal:5432/notes`);
    expect(out).toContain('"port":8080');
    // a setting value too short to be a secret is not hunted through ordinary words
    expect(redactLog('a short line', ['short'])).toBe('a short line');
  });

  it('reads only the end of a large log: the last lines asked for, never more than the size limit', async () => {
    const file = join(dir, 'big.log');
    const line = (n: number) => `line ${n} ${'x'.repeat(100)}`;
    writeFileSync(file, Array.from({ length: 20_000 }, (_, n) => line(n)).join('\n') + '\n');
    const tail = await readLogTail(file, 40);
    expect(tail.split('\n').filter(Boolean).at(-1)).toBe(line(19_999));
    expect(tail.split('\n').filter(Boolean)).toHaveLength(40);
    const asked = await readLogTail(file, LOG_TAIL_LIMITS.requestLines);
    expect(asked.length).toBeLessThanOrEqual(LOG_TAIL_LIMITS.maxChars);
    expect(asked.endsWith(`${line(19_999)}\n`)).toBe(true);
    expect(await readLogTail(join(dir, 'missing.log'), 40)).toBe('');
  });
});
