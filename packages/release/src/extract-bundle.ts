import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { APP_MANIFEST_FILE, type AppManifest } from './app-manifest.js';
import { checkEntryPath, type EntryPathProblem } from './check-entry-path.js';
import type { Failure } from './errors.js';
import { type ReleaseLimits, resolveLimits } from './limits.js';
import { parseManifestBytes } from './read-bundle-manifest.js';
import { type ArchiveFailureCode, ArchiveStop, type TarHeader, walkTar } from './walk-tar.js';

export type ExtractFailureCode =
  | ArchiveFailureCode
  | EntryPathProblem
  | 'LINK_NOT_ALLOWED'
  | 'SPECIAL_FILE_NOT_ALLOWED'
  | 'UNSUPPORTED_ENTRY'
  | 'DUPLICATE_ENTRY'
  | 'FILE_TOO_LARGE'
  | 'HASH_MISMATCH'
  | 'MANIFEST_MISSING'
  | 'MANIFEST_INVALID'
  | 'DEST_EXISTS'
  | 'NO_SPACE'
  | 'WRITE_FAILED';

export interface ExtractSuccess {
  ok: true;
  /** The directory the app now lives in (absolute). */
  dir: string;
  manifest: AppManifest;
  /** Files and directories written. */
  entries: number;
  /** Sum of the file sizes written. */
  bytes: number;
}

export type ExtractResult = ExtractSuccess | Failure<ExtractFailureCode>;

export interface ExtractOptions {
  /** When given, the bundle bytes are hashed while unpacking and nothing is moved into place unless they match. */
  expectedSha256?: string;
}

/**
 * Unpacks a bundle (a Buffer or a file path) into `destDir`, which must not exist yet. It is
 * unpacked into a temporary directory beside `destDir` and renamed into place only when every
 * entry passed; on any failure (an unsafe entry, a limit, a full disk) the partial tree is
 * removed and nothing beside it is touched.
 *
 * Only regular files and directories are accepted: symbolic links and hard links are refused
 * whatever they point at (bundles made by createBundle never contain them), as are devices and
 * FIFOs. Modes are normalised to 0644/0755; owners, times and special bits are ignored.
 * Files are not fsynced. A process killed mid-way can leave a `.<name>.partial-*` directory
 * beside `destDir`; it is never used and may be removed.
 */
export async function extractBundle(bundle: Buffer | string, destDir: string, limits: Partial<ReleaseLimits> = {}, options: ExtractOptions = {}): Promise<ExtractResult> {
  const resolvedLimits = resolveLimits(limits);
  const target = resolve(destDir);
  if (await exists(target)) {
    return { ok: false, code: 'DEST_EXISTS', message: `${target} already exists; extract each release into a new directory (for example one per version).` };
  }
  let staging: string | undefined;
  try {
    await mkdir(dirname(target), { recursive: true });
    staging = join(dirname(target), `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
    await mkdir(staging, { mode: 0o755 });
    const result = await unpackInto(bundle, staging, resolvedLimits, options);
    if (!result.ok) return result;
    try {
      await rename(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY') {
        return { ok: false, code: 'DEST_EXISTS', message: `${target} appeared while the bundle was being unpacked; extract into a new directory.` };
      }
      throw error;
    }
    staging = undefined;
    return { ...result, dir: target };
  } catch (error) {
    return fileSystemFailure(error, target);
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function unpackInto(bundle: Buffer | string, root: string, limits: ReleaseLimits, options: ExtractOptions): Promise<ExtractResult> {
  const seen = new Map<string, 'file' | 'directory'>();
  const createdDirectories = new Set<string>(['']);
  let declaredBytes = 0;
  let fileBytes = 0;
  let manifestWritten = false;

  const ensureDirectory = async (path: string): Promise<void> => {
    if (createdDirectories.has(path)) return;
    await mkdir(join(root, path), { recursive: true, mode: 0o755 });
    for (let parent = path; parent !== '' && !createdDirectories.has(parent); parent = parentOf(parent)) createdDirectories.add(parent);
  };

  const onEntry = async (header: TarHeader, body: Readable): Promise<'next'> => {
    const path = checkHeader(header, limits, seen);
    if (path === '') return 'next';
    try {
      if (header.type === 'directory') {
        await ensureDirectory(path);
        await chmod(join(root, path), 0o755);
        return 'next';
      }
      declaredBytes += header.size;
      if (declaredBytes > limits.maxExpandedBytes) {
        throw new ArchiveStop('EXPANDED_TOO_LARGE', `The files in the bundle add up to more than the ${limits.maxExpandedBytes} bytes allowed. Nothing was installed.`);
      }
      await ensureDirectory(parentOf(path));
      const mode = (header.mode & 0o111) !== 0 ? 0o755 : 0o644;
      const target = join(root, path);
      // Small files are gathered and written at once (much cheaper than a write stream each).
      if (header.size <= SMALL_FILE_BYTES) await writeFile(target, await readBody(body), { flag: 'wx', mode });
      else await pipeline(body, createWriteStream(target, { flags: 'wx', mode }));
      await chmod(target, mode);
      fileBytes += header.size;
      if (path === APP_MANIFEST_FILE) manifestWritten = true;
      return 'next';
    } catch (error) {
      // File system errors carry the failing syscall; anything else comes from the archive stream.
      if (typeof (error as NodeJS.ErrnoException)?.syscall !== 'string') throw error;
      const failed = fileSystemFailure(error, root);
      throw new ArchiveStop(failed.code, failed.message);
    }
  };

  const walked = await walkTar<ExtractFailureCode>(bundle, limits, onEntry, { hash: options.expectedSha256 !== undefined });
  if (!walked.ok) return walked;
  if (options.expectedSha256 !== undefined && walked.sha256 !== options.expectedSha256.toLowerCase()) {
    return { ok: false, code: 'HASH_MISMATCH', message: `The bundle's SHA-256 is ${walked.sha256}, not the ${options.expectedSha256} it was released with; it changed after verification. Verify it again.` };
  }
  if (!manifestWritten) {
    return { ok: false, code: 'MANIFEST_MISSING', message: `The bundle has no ${APP_MANIFEST_FILE} at its top level, so it is not a marketplace app. Ask the publisher to rebuild it.` };
  }
  const raw = await readFile(join(root, APP_MANIFEST_FILE));
  if (raw.length > limits.maxManifestBytes) {
    return { ok: false, code: 'MANIFEST_INVALID', message: `${APP_MANIFEST_FILE} is ${raw.length} bytes, more than the ${limits.maxManifestBytes} allowed.` };
  }
  const manifest = parseManifestBytes(raw);
  if (!manifest.ok) return manifest;
  return { ok: true, dir: root, manifest: manifest.manifest, entries: seen.size, bytes: fileBytes };
}

/** Validates one header against the path rules, the entry types and what came before; returns the clean path. */
function checkHeader(header: TarHeader, limits: ReleaseLimits, seen: Map<string, 'file' | 'directory'>): string {
  const checked = checkEntryPath(header.name, limits);
  if (!checked.ok) throw new ArchiveStop(checked.code, `The bundle contains an unsafe entry: ${checked.reason}. Nothing was installed.`);
  const shown = JSON.stringify(checked.path);
  switch (header.type) {
    case 'file':
    case 'directory':
      break;
    case 'symlink':
    case 'link':
      throw new ArchiveStop('LINK_NOT_ALLOWED', `The bundle contains a ${header.type === 'link' ? 'hard' : 'symbolic'} link ${shown} → ${JSON.stringify(header.linkname ?? '')}; bundles may hold only files and directories. Nothing was installed.`);
    case 'character-device':
    case 'block-device':
    case 'fifo':
      throw new ArchiveStop('SPECIAL_FILE_NOT_ALLOWED', `The bundle contains a ${header.type} ${shown}; bundles may hold only files and directories. Nothing was installed.`);
    default:
      throw new ArchiveStop('UNSUPPORTED_ENTRY', `The bundle contains an entry ${shown} of unsupported type "${header.type ?? 'unknown'}". Nothing was installed.`);
  }
  if (checked.path === '') {
    if (header.type === 'directory') return '';
    throw new ArchiveStop('UNSAFE_PATH', 'The bundle contains a file entry without a name. Nothing was installed.');
  }
  if (header.type === 'file' && header.size > limits.maxFileBytes) {
    throw new ArchiveStop('FILE_TOO_LARGE', `The file ${shown} in the bundle is ${header.size} bytes, more than the ${limits.maxFileBytes} allowed for one file. Nothing was installed.`);
  }
  // Keys fold case and Unicode form, so two entries cannot land on the same file on macOS or Windows either.
  const key = checked.path.normalize('NFC').toLowerCase();
  if (seen.has(key)) throw new ArchiveStop('DUPLICATE_ENTRY', `The bundle contains ${shown} twice (names that differ only in case count as the same). Nothing was installed.`);
  for (let parent = parentOf(key); parent !== ''; parent = parentOf(parent)) {
    if (seen.get(parent) === 'file') throw new ArchiveStop('DUPLICATE_ENTRY', `The bundle contains ${shown} inside "${parent}", which is a file. Nothing was installed.`);
  }
  seen.set(key, header.type);
  return checked.path;
}

const SMALL_FILE_BYTES = 1024 * 1024;

async function readBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function parentOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index === -1 ? '' : path.slice(0, index);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function fileSystemFailure(error: unknown, target: string): Failure<'NO_SPACE' | 'WRITE_FAILED'> {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    return { ok: false, code: 'NO_SPACE', message: `The disk holding ${dirname(target)} is full; free some space and deploy again. The previous version was left as it was.` };
  }
  return { ok: false, code: 'WRITE_FAILED', message: `Unpacking into ${dirname(target)} failed (${err.code ?? err.message}); check that the directory is writable. The previous version was left as it was.` };
}
