import { describe, expect, it } from 'vitest';
import { checkEntryPath } from './check-entry-path.js';
import { DEFAULT_LIMITS } from './limits.js';

describe('checkEntryPath', () => {
  it.each([
    ['app.json', 'app.json'],
    ['./src/index.js', 'src/index.js'],
    ['public/', 'public'],
    ['./', ''],
    ['a/..b/c', 'a/..b/c'],
  ])('accepts %j as %j', (raw, path) => {
    expect(checkEntryPath(raw, DEFAULT_LIMITS)).toEqual({ ok: true, path });
  });

  it.each([
    ['/etc/passwd', 'ABSOLUTE_PATH'],
    ['C:/Windows/evil.dll', 'ABSOLUTE_PATH'],
    ['\\\\server\\share', 'ABSOLUTE_PATH'],
    ['../x', 'PATH_TRAVERSAL'],
    ['a/../../x', 'PATH_TRAVERSAL'],
    ['a/..', 'PATH_TRAVERSAL'],
    ['a\\..\\x', 'UNSAFE_PATH'],
    ['a//b', 'UNSAFE_PATH'],
    ['a/./b', 'UNSAFE_PATH'],
    ['a\u0000b', 'UNSAFE_PATH'],
    ['evil\nname', 'UNSAFE_PATH'],
    ['x'.repeat(1025), 'PATH_TOO_LONG'],
    [Array.from({ length: 40 }, () => 'd').join('/'), 'PATH_TOO_LONG'],
  ])('rejects %j with %s', (raw, code) => {
    expect(checkEntryPath(raw, DEFAULT_LIMITS)).toMatchObject({ ok: false, code });
  });
});
