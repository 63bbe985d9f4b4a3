import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Pack } from 'tar-stream';
import { APP_MANIFEST_FILE, type AppManifest } from './app-manifest.js';
import { checkEntryPath } from './check-entry-path.js';
import { ReleaseError } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';
import { parseManifestBytes } from './read-bundle-manifest.js';
import { bundleFileName } from './release-statement.js';

export type BundleFileInput = Buffer | string | { content: Buffer | string; mode?: number };

export type CreateBundleInput = { files: Map<string, BundleFileInput> | Record<string, BundleFileInput> } | { dir: string };

export interface BundleEntry {
  path: string;
  type: 'file' | 'directory';
  /** 0o644 for plain files, 0o755 for executables and directories. */
  mode: number;
  size: number;
}

export interface Bundle {
  /** The .tgz bytes. */
  data: Buffer;
  /** SHA-256 of `data`, lower-case hex. */
  sha256: string;
  size: number;
  /** In archive order: app.json first, then every other path sorted by its UTF-8 bytes. */
  entries: BundleEntry[];
  manifest: AppManifest;
  /** `<name>-<version>.tgz` from the manifest. */
  fileName: string;
}

/** Every entry's modification time: fixed, so the same files always give the same bytes. */
export const BUNDLE_MTIME = new Date(0);
/** gzip header bytes 4–9: MTIME = 0 (none), XFL = 0, OS = 3 (Unix), whatever platform packs. */
const GZIP_FIXED_HEADER_TAIL = Buffer.from([0, 0, 0, 0, 0, 3]);
const GZIP_LEVEL = 6;

/**
 * Packs app files into a deterministic `.tgz`: sorted entries, fixed mtime and modes
 * (0644 files, 0755 executables and directories), uid/gid 0, no user or group names, and a
 * gzip header without time or name. The same files give the same sha256 on any run with the
 * same Node.js zlib. The files must include a valid `app.json` at the top.
 */
export async function createBundle(input: CreateBundleInput): Promise<Bundle> {
  const files = 'dir' in input ? await readDirectory(input.dir) : normaliseFiles(input.files);
  const manifestFile = files.get(APP_MANIFEST_FILE);
  if (!manifestFile) throw new ReleaseError('MANIFEST_MISSING', `A bundle needs ${APP_MANIFEST_FILE} at its top level; add the app manifest to the files.`);
  const manifest = parseManifestBytes(manifestFile.content);
  if (!manifest.ok) throw new ReleaseError('MANIFEST_INVALID', manifest.message);

  const entries = orderEntries(files);
  const { default: tar } = await import('tar-stream');
  const pack = tar.pack();
  const collected = collect(pack);
  for (const entry of entries) {
    const header = { name: entry.type === 'directory' ? `${entry.path}/` : entry.path, type: entry.type, mode: entry.mode, mtime: BUNDLE_MTIME, uid: 0, gid: 0, uname: '', gname: '' };
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (entry.type === 'file') pack.entry(header, files.get(entry.path)!.content, done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  const data = gzipSync(await collected, { level: GZIP_LEVEL });
  GZIP_FIXED_HEADER_TAIL.copy(data, 4);
  return {
    data,
    sha256: createHash('sha256').update(data).digest('hex'),
    size: data.length,
    entries,
    manifest: manifest.manifest,
    fileName: bundleFileName(manifest.manifest.name, manifest.manifest.version),
  };
}

interface FileData {
  content: Buffer;
  executable: boolean;
}

function normaliseFiles(files: Map<string, BundleFileInput> | Record<string, BundleFileInput>): Map<string, FileData> {
  const result = new Map<string, FileData>();
  const pairs = files instanceof Map ? [...files.entries()] : Object.entries(files);
  for (const [rawPath, value] of pairs) {
    const path = checkedPath(rawPath);
    const content = Buffer.isBuffer(value) || typeof value === 'string' ? value : value.content;
    const mode = Buffer.isBuffer(value) || typeof value === 'string' ? 0o644 : (value.mode ?? 0o644);
    if (result.has(path)) throw new ReleaseError('BUNDLE_INPUT_INVALID', `The bundle files name "${path}" twice; give each path once.`);
    result.set(path, { content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), executable: (mode & 0o111) !== 0 });
  }
  return result;
}

async function readDirectory(root: string): Promise<Map<string, FileData>> {
  const result = new Map<string, FileData>();
  const walk = async (relative: string): Promise<void> => {
    const absolute = relative ? join(root, relative) : root;
    const dirents = await readdir(absolute, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      throw new ReleaseError('BUNDLE_INPUT_INVALID', `Cannot read the app directory ${absolute} (${error.code ?? error.message}); check the path.`, { cause: error });
    });
    for (const dirent of dirents) {
      const path = relative ? `${relative}/${dirent.name}` : dirent.name;
      checkedPath(path);
      if (dirent.isDirectory()) await walk(path);
      else if (dirent.isFile()) {
        const [content, info] = await Promise.all([readFile(join(root, path)), stat(join(root, path))]);
        result.set(path, { content, executable: (info.mode & 0o111) !== 0 });
      } else {
        const kind = dirent.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
        throw new ReleaseError('BUNDLE_INPUT_INVALID', `${join(root, path)} is ${kind}; bundles hold only regular files and directories. Copy the target in instead.`);
      }
    }
    if (relative && dirents.length === 0) emptyDirectories.add(relative);
  };
  const emptyDirectories = new Set<string>();
  await walk('');
  for (const directory of emptyDirectories) result.set(`${directory}/`, { content: Buffer.alloc(0), executable: true });
  return result;
}

function orderEntries(files: Map<string, FileData>): BundleEntry[] {
  const entries = new Map<string, BundleEntry>();
  for (const [path, file] of files) {
    const isDirectory = path.endsWith('/');
    const clean = isDirectory ? path.slice(0, -1) : path;
    const segments = clean.split('/');
    for (let depth = 1; depth < segments.length + (isDirectory ? 1 : 0); depth += 1) {
      const parent = segments.slice(0, depth).join('/');
      if (files.has(parent)) throw new ReleaseError('BUNDLE_INPUT_INVALID', `"${parent}" is both a file and a directory in the bundle files; rename one of them.`);
      entries.set(parent, { path: parent, type: 'directory', mode: 0o755, size: 0 });
    }
    if (!isDirectory) entries.set(clean, { path: clean, type: 'file', mode: file.executable ? 0o755 : 0o644, size: file.content.length });
  }
  const manifest = entries.get(APP_MANIFEST_FILE)!;
  entries.delete(APP_MANIFEST_FILE);
  const rest = [...entries.values()].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return [manifest, ...rest];
}

function checkedPath(raw: string): string {
  const checked = checkEntryPath(raw, DEFAULT_LIMITS);
  if (!checked.ok || checked.path === '') {
    const reason = checked.ok ? 'it names the bundle root' : checked.reason;
    throw new ReleaseError('BUNDLE_INPUT_INVALID', `Cannot bundle "${raw}": ${reason}. Use relative paths with "/" inside the app directory.`);
  }
  return raw.endsWith('/') ? `${checked.path}/` : checked.path;
}

async function collect(pack: Pack): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
