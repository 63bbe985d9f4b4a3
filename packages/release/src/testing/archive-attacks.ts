import type { AttackCase, AttackEntry } from './attack-case.js';
import type { AttackContext } from './attack-context.js';
import { attackManifest } from './attack-context.js';
import { type CraftedEntry, craftTarGz, type CraftOptions } from './craft-tar-gz.js';
import { attackCase, attackEnvelope } from './release-builders.js';

/**
 * Archive attacks: each bundle is correctly signed (a compromised build or a malicious
 * generator), so verifyRelease accepts it and extractBundle must refuse it. Every bundle starts
 * with a valid app.json, as createBundle's bundles do.
 */
export const ARCHIVE_ATTACKS: AttackEntry[] = [
  archive('path-traversal', 'An entry climbing out of the app directory with "..".', 'PATH_TRAVERSAL', () => [
    { name: 'docs/../../../escaped-by-attack.txt', body: 'owned\n' },
  ]),
  archive('pax-path-traversal', 'An innocent ustar name overridden by a pax "path" record with "..".', 'PATH_TRAVERSAL', () => [
    { name: 'notes.txt', body: 'owned\n', pax: { path: '../escaped-by-attack.txt' } },
  ]),
  archive('absolute-path', 'An entry with an absolute path.', 'ABSOLUTE_PATH', () => [{ name: '/tmp/escaped-by-attack.txt', body: 'owned\n' }]),
  archive('backslash-path', 'A Windows-style "..\\" path, harmless on Linux but a traversal on Windows.', 'UNSAFE_PATH', () => [
    { name: '..\\..\\escaped-by-attack.txt', body: 'owned\n' },
  ]),
  archive('symlink-out-of-tree', 'A symbolic link to a directory outside the tree, then a file written through it.', 'LINK_NOT_ALLOWED', () => [
    { name: 'data', type: 'symlink', linkname: '../../..' },
    { name: 'data/escaped-by-attack.txt', body: 'owned\n' },
  ]),
  archive('hard-link', 'A hard link to /etc/passwd.', 'LINK_NOT_ALLOWED', () => [{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }]),
  archive('device-file', 'A character device (/dev/mem-like, 1:1).', 'SPECIAL_FILE_NOT_ALLOWED', () => [{ name: 'mem', type: 'character-device', devmajor: 1, devminor: 1 }]),
  archive('fifo', 'A named pipe that would block whoever reads it.', 'SPECIAL_FILE_NOT_ALLOWED', () => [{ name: 'pipe', type: 'fifo' }]),
  archive('zip-bomb', 'A file of zeros that expands about 1000× its compressed size.', 'COMPRESSION_RATIO_EXCEEDED', (ctx) => [
    { name: 'bomb.bin', body: { zeros: Math.min(ctx.limits.maxFileBytes, ctx.limits.maxExpandedBytes) - 4096 } },
  ]),
  archive('too-many-entries', 'More tiny files than the entry limit.', 'TOO_MANY_ENTRIES', (ctx) =>
    Array.from({ length: ctx.limits.maxEntries + 1 }, (_, index) => ({ name: `many/${index}.txt`, body: `${index}\n` })),
  ),
  archive('oversized-file', 'One file larger than the single-file limit.', 'FILE_TOO_LARGE', (ctx) => [
    { name: 'big.txt', body: { words: ctx.limits.maxFileBytes + 1, seed: 7 } },
  ]),
  archive(
    'endless-archive',
    'An archive without an end marker whose files keep coming past the expanded-size limit.',
    'EXPANDED_TOO_LARGE',
    (ctx) => Array.from({ length: Math.ceil((ctx.limits.maxExpandedBytes * 1.25) / (512 * 1024)) }, (_, index) => ({ name: `stream/${index}.log`, body: { words: 512 * 1024, seed: index + 1 } })),
    { end: false },
  ),
  {
    id: 'truncated-archive',
    description: 'A bundle cut short in the middle of a file (an interrupted download that was signed as is).',
    build: async (ctx) => {
      const full = await craftTarGz([{ name: 'app.json', body: JSON.stringify(attackManifest(ctx)) }, { name: 'lib/data.txt', body: { words: 256 * 1024 } }]);
      const bundle = full.subarray(0, Math.floor(full.length * 0.6));
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, stage: 'extract', expectedCode: 'TRUNCATED' });
    },
  },
  archive('case-collision', 'Two entries whose names differ only in case; on macOS or Windows the second overwrites the first.', 'DUPLICATE_ENTRY', () => [
    { name: 'server.js', body: 'console.log("reviewed code")\n' },
    { name: 'Server.js', body: 'console.log("hidden code")\n' },
  ]),
  archive('duplicate-entry', 'The same file twice; tar keeps the last, hiding the reviewed one.', 'DUPLICATE_ENTRY', () => [
    { name: 'server.js', body: 'console.log("reviewed code")\n' },
    { name: './server.js', body: 'console.log("hidden code")\n' },
  ]),
  archive('file-then-directory', 'A file and then entries below it, as if it were a directory.', 'DUPLICATE_ENTRY', () => [
    { name: 'lib', body: 'not a directory\n' },
    { name: 'lib/index.js', body: 'export {}\n' },
  ]),
];

function archive(id: string, description: string, expectedCode: AttackCase['expectedCode'], entries: (ctx: AttackContext) => CraftedEntry[], options: CraftOptions = {}): AttackEntry {
  return {
    id,
    description,
    build: async (ctx) => {
      const bundle = await craftTarGz([{ name: 'app.json', body: JSON.stringify(attackManifest(ctx)) }, ...entries(ctx)], options);
      return attackCase(ctx, { envelope: attackEnvelope(ctx, bundle), bundle, stage: 'extract', expectedCode });
    },
  };
}
