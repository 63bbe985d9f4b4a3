import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import tar, { type Header, type Pack } from 'tar-stream';

/** Body of a crafted entry: bytes, N zero bytes (streamed), or N bytes of compressible pseudo-random words. */
export type CraftedBody = Buffer | string | { zeros: number } | { words: number; seed?: number };

/** One raw tar entry: nothing is checked or normalised, so it can be as hostile as needed. */
export interface CraftedEntry {
  name: string;
  type?: Header['type'];
  mode?: number;
  linkname?: string;
  body?: CraftedBody;
  /** Size written in the header; defaults to the body's length. */
  size?: number;
  /** pax extended header records, e.g. `{ path: '../x' }` to override the name. */
  pax?: Record<string, string>;
  devmajor?: number;
  devminor?: number;
}

export interface CraftOptions {
  /** Write the two zero blocks that end a tar archive (default true). */
  end?: boolean;
  /** Keep only this many bytes of the finished .tgz (a download cut short). */
  truncateTo?: number;
}

const CHUNK = 1024 * 1024;

/** Builds a .tgz from raw entries with tar-stream, the way an attacker with any tar tool could. */
export async function craftTarGz(entries: CraftedEntry[], options: CraftOptions = {}): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const gzip = createGzip({ level: 6 });
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const tarBytes = stripEnd(pack as unknown as Readable, options.end === false);
  const piped = pipeline(tarBytes, gzip);
  for (const entry of entries) await writeEntry(pack, entry);
  pack.finalize();
  await piped;
  await ended;
  const data = Buffer.concat(chunks);
  return options.truncateTo === undefined ? data : data.subarray(0, options.truncateTo);
}

/** gzip of arbitrary bytes, for inputs that are not a tar at all. */
export function gzipBytes(bytes: Buffer): Buffer {
  return gzipSync(bytes);
}

async function writeEntry(pack: Pack, entry: CraftedEntry): Promise<void> {
  const body = entry.body ?? Buffer.alloc(0);
  const length = bodyLength(body);
  const header = {
    name: entry.name,
    type: entry.type ?? 'file',
    mode: entry.mode ?? 0o644,
    mtime: new Date(0),
    size: entry.size ?? length,
    ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
    ...(entry.pax ? { pax: entry.pax } : {}),
    ...(entry.devmajor !== undefined ? { devmajor: entry.devmajor, devminor: entry.devminor ?? 0 } : {}),
  };
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    if (header.type !== 'file' && header.type !== 'contiguous-file') return;
    void feed(sink, body).catch(reject);
  });
}

async function feed(sink: NodeJS.WritableStream & { write(chunk: Buffer): boolean }, body: CraftedBody): Promise<void> {
  for (const chunk of bodyChunks(body)) {
    if (!sink.write(chunk)) await new Promise((resolve) => sink.once('drain', resolve));
  }
  sink.end();
}

function bodyLength(body: CraftedBody): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (Buffer.isBuffer(body)) return body.length;
  return 'zeros' in body ? body.zeros : body.words;
}

function* bodyChunks(body: CraftedBody): Generator<Buffer> {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    yield Buffer.from(body);
    return;
  }
  if ('zeros' in body) {
    const zeros = Buffer.alloc(CHUNK);
    for (let left = body.zeros; left > 0; left -= CHUNK) yield left >= CHUNK ? zeros : zeros.subarray(0, left);
    return;
  }
  // A 96 KiB pool of random words, cycled: repeats lie beyond deflate's 32 KiB window, so the
  // data compresses like text (about 4×) while costing almost nothing to produce.
  const pool = wordPool(body.seed ?? 0x2545f491);
  let offset = 0;
  for (let left = body.words; left > 0; ) {
    const size = Math.min(CHUNK, left);
    const chunk = Buffer.alloc(size);
    for (let filled = 0; filled < size; ) {
      const copied = pool.copy(chunk, filled, offset, Math.min(pool.length, offset + size - filled));
      filled += copied;
      offset = (offset + copied) % pool.length;
    }
    left -= size;
    yield chunk;
  }
}

function wordPool(seed: number): Buffer {
  const pool = Buffer.alloc(96 * 1024);
  let state = seed | 0 || 1;
  for (let offset = 0; offset < pool.length; ) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    offset += pool.write(`${WORDS[(state >>> 0) % WORDS.length]!} `, offset);
  }
  return pool;
}

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu room booking report export invoice customer order status'.split(' ');

/** Passes tar bytes through, dropping the final two zero blocks when asked (an archive that never ends). */
async function* stripEnd(source: Readable, strip: boolean): AsyncGenerator<Buffer> {
  if (!strip) {
    for await (const chunk of source) yield chunk as Buffer;
    return;
  }
  let held = Buffer.alloc(0);
  for await (const chunk of source) {
    held = Buffer.concat([held, chunk as Buffer]);
    if (held.length > 1024) {
      yield held.subarray(0, held.length - 1024);
      held = held.subarray(held.length - 1024);
    }
  }
}
