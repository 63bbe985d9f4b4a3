import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Header } from 'tar-stream';
import type { Failure } from './errors.js';
import type { ReleaseLimits } from './limits.js';

export type ArchiveFailureCode =
  | 'BUNDLE_UNREADABLE'
  | 'BUNDLE_TOO_LARGE'
  | 'CORRUPT_ARCHIVE'
  | 'TRUNCATED'
  | 'TOO_MANY_ENTRIES'
  | 'EXPANDED_TOO_LARGE'
  | 'COMPRESSION_RATIO_EXCEEDED';

/** Thrown inside a walk (by the meters or an entry handler) to end it with a code. */
export class ArchiveStop extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveStop';
  }
}

export type TarHeader = Header;
export type EntryAction = 'next' | 'stop';
export type EntryHandler = (header: TarHeader, body: Readable) => Promise<EntryAction>;

export type WalkResult<Code extends string> =
  | { ok: true; entries: number; expandedBytes: number; compressedBytes: number; sha256?: string; stoppedEarly: boolean }
  | Failure<Code | ArchiveFailureCode>;

const STOP = new ArchiveStop('STOP', 'stopped by the entry handler');

/**
 * Chunk size for reading and inflating. Larger chunks make gunzip much faster (16 KiB, zlib's
 * default, is about 2.5× slower); limits are checked per chunk, so they overshoot by at most this.
 */
const CHUNK_BYTES = 256 * 1024;

/** A bundle as a stream: Buffers are fed in slices, files are read with the same chunk size. */
export function bundleStream(bundle: Buffer | string): Readable {
  if (typeof bundle === 'string') return createReadStream(bundle, { highWaterMark: CHUNK_BYTES });
  return Readable.from(slices(bundle), { objectMode: false });
}

function* slices(buffer: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += CHUNK_BYTES) yield buffer.subarray(offset, offset + CHUNK_BYTES);
}

/**
 * Streams a .tgz through gunzip and a tar parser, enforcing the size, entry-count and
 * compression-ratio limits as bytes arrive, and hands each entry to `onEntry` in order. The
 * handler must consume the body (or return at once, and the body is skipped). Throwing an
 * ArchiveStop ends the walk with its code; returning 'stop' ends it successfully.
 */
export async function walkTar<Code extends string>(
  bundle: Buffer | string,
  limits: ReleaseLimits,
  onEntry: EntryHandler,
  options: { hash?: boolean } = {},
): Promise<WalkResult<Code>> {
  const state: { compressed: number; expanded: number; entries: number; stopped: boolean; handlerError?: unknown; inFlight: Promise<unknown> } = {
    compressed: 0,
    expanded: 0,
    entries: 0,
    stopped: false,
    inFlight: Promise.resolve(),
  };
  const hash = options.hash ? createHash('sha256') : undefined;
  const compressedMeter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      state.compressed += chunk.length;
      if (state.compressed > limits.maxBundleBytes) {
        callback(new ArchiveStop('BUNDLE_TOO_LARGE', `The bundle is larger than the ${limits.maxBundleBytes} bytes allowed.`));
        return;
      }
      hash?.update(chunk);
      callback(null, chunk);
    },
  });
  const expandedMeter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      state.expanded += chunk.length;
      if (state.expanded > limits.maxExpandedBytes) {
        callback(new ArchiveStop('EXPANDED_TOO_LARGE', `The bundle expands to more than the ${limits.maxExpandedBytes} bytes allowed.`));
        return;
      }
      if (state.expanded > limits.ratioCheckAfterBytes && state.expanded > state.compressed * limits.maxCompressionRatio) {
        const ratio = Math.round(state.expanded / state.compressed);
        callback(new ArchiveStop('COMPRESSION_RATIO_EXCEEDED', `The bundle expands ${ratio}× its compressed size, past the ${limits.maxCompressionRatio}× allowed: it looks like a decompression bomb.`));
        return;
      }
      callback(null, chunk);
    },
  });
  // loaded on first use: the deploy agent keeps the tar reader out of its idle memory (decision 0053)
  const { default: tar } = await import('tar-stream');
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    // The walk reports the error that ends it; an entry body destroyed along with it must not crash the process.
    body.on('error', () => undefined);
    state.entries += 1;
    if (state.entries > limits.maxEntries) {
      next(new ArchiveStop('TOO_MANY_ENTRIES', `The bundle has more than the ${limits.maxEntries} entries allowed.`));
      return;
    }
    state.inFlight = onEntry(header, body as unknown as Readable).then(
      (action) => {
        if (action === 'stop') {
          state.stopped = true;
          next(STOP);
          return;
        }
        body.resume();
        next();
      },
      (error: unknown) => {
        state.handlerError ??= error;
        next(error as Error);
      },
    );
  });
  try {
    await pipeline(bundleStream(bundle), compressedMeter, createGunzip({ chunkSize: CHUNK_BYTES }), expandedMeter, extract);
  } catch (error) {
    // A handler failure (say, a full disk) also tears the stream down; report the handler's reason, not the echo.
    await state.inFlight;
    if (!state.stopped) return archiveFailure<Code>(state.handlerError ?? error);
  }
  return {
    ok: true,
    entries: state.entries,
    expandedBytes: state.expanded,
    compressedBytes: state.compressed,
    stoppedEarly: state.stopped,
    ...(hash ? { sha256: hash.digest('hex') } : {}),
  };
}

/** Maps anything a walk can throw (limits, source, gunzip, tar parser) to a code and a message a user can act on. */
export function archiveFailure<Code extends string>(error: unknown): Failure<Code | ArchiveFailureCode> {
  if (error instanceof ArchiveStop) return { ok: false, code: error.code as Code, message: error.message };
  const err = error as NodeJS.ErrnoException;
  const text = err?.message ?? String(error);
  if (err?.code === 'Z_BUF_ERROR' || text === 'Unexpected end of data') {
    return { ok: false, code: 'TRUNCATED', message: 'The bundle ends in the middle of the archive: it is truncated. Ask for the release to be sent again.' };
  }
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) {
    return { ok: false, code: 'CORRUPT_ARCHIVE', message: `The bundle is not a valid gzip file (${text}). Ask for the release to be sent again.` };
  }
  if (text.startsWith('Invalid tar header') || text === 'Invalid header' || text === 'Header exceeds max size') {
    return { ok: false, code: 'CORRUPT_ARCHIVE', message: `The bundle is not a valid tar archive (${text}). Ask for the release to be sent again.` };
  }
  if (err?.syscall === 'open' || err?.syscall === 'read') {
    return { ok: false, code: 'BUNDLE_UNREADABLE', message: `The bundle file cannot be read (${err.code ?? text}); check that it exists and is readable.` };
  }
  return { ok: false, code: 'CORRUPT_ARCHIVE', message: `The bundle could not be unpacked (${text}). Ask for the release to be sent again.` };
}
