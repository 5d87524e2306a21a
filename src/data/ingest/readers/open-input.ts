import { createReadStream } from 'node:fs';
import { createGunzip, type Gunzip } from 'node:zlib';
import { isSightlineError, SightlineError } from '../../../errors/index.ts';
import type { InputSource } from './types.ts';

/** Bytes per read of a plain file: large reads keep the per-chunk overhead off the hot path. */
export const READ_CHUNK_BYTES = 1024 * 1024;
/**
 * Compressed bytes per gunzip step. All output of a step is held at once (see GunzipChunks), and deflate
 * can expand about 1000x, so the step is kept small enough that even a zip bomb stays near 64 MiB.
 */
export const GZIP_READ_CHUNK_BYTES = 64 * 1024;
/** The first chunk a ByteStream yields holds at least this many bytes (unless the input is shorter). */
export const MIN_FIRST_CHUNK_BYTES = 4;

/**
 * The decoded bytes of one input, as an async iterable of Buffers (iterate it once).
 *
 * A corrupt or truncated gzip stream does not throw: the iteration yields everything decoded before the
 * damage, then ends, and `failure` says what went wrong, so the reader can flag a pending partial record
 * as `truncated` and report a warning. An unreadable file does throw, as a SightlineError.
 */
export interface ByteStream extends AsyncIterable<Buffer> {
  /** Bytes of the raw (possibly compressed) input consumed so far, for progress. */
  readonly bytesConsumed: number;
  /** Why decoding stopped early, once the iteration has ended; undefined after a clean end. */
  readonly failure: string | undefined;
}

export interface OpenInputOptions {
  /** Standard input, replaceable in tests. */
  stdin?: AsyncIterable<Buffer | string>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Open an input. Files are read with large chunks; `.gz` files are gunzipped; standard input is
 * gunzipped when it starts with the gzip magic bytes, whatever `source.gzip` says, since stdin has no
 * file name to tell. A file marked gzip whose bytes are not gzip is an error rather than garbage records.
 */
export function openInput(source: InputSource, options: OpenInputOptions = {}): ByteStream {
  return new InputBytes(source, options);
}

class InputBytes implements ByteStream {
  bytesConsumed = 0;
  failure: string | undefined;
  private used = false;

  constructor(
    private readonly source: InputSource,
    private readonly options: OpenInputOptions,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.used) throw new Error('a ByteStream can be iterated only once');
    this.used = true;
    const isStdin = this.source.path === '-';
    const chunkBytes = this.source.gzip ? GZIP_READ_CHUNK_BYTES : READ_CHUNK_BYTES;
    const raw = coalesceHead(
      this.countRaw(isStdin ? this.stdinChunks() : fileChunks(this.source.path, chunkBytes)),
    );
    const first = await raw.next();
    if (first.done) return;
    const head = first.value;
    const isGzip = head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
    if (this.source.gzip && !isGzip && !isStdin) {
      throw new SightlineError(
        'SL_INGEST_READ_FAILED',
        `${this.source.path} is named .gz but is not gzip-compressed`,
      );
    }
    const rawAll = prepend(head, raw);
    if (!(isGzip && (this.source.gzip || isStdin))) {
      yield* rawAll;
      return;
    }
    const gunzip = new GunzipChunks();
    yield* coalesceHead(gunzip.decode(rawAll));
    if (gunzip.error !== undefined) {
      this.failure = `the gzip stream is truncated or corrupt (${gunzip.error.message}) after ${this.bytesConsumed} compressed bytes`;
    }
  }

  private async *countRaw(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      this.bytesConsumed += chunk.length;
      yield chunk;
    }
  }

  private async *stdinChunks(): AsyncGenerator<Buffer> {
    const stdin = this.options.stdin ?? process.stdin;
    try {
      for await (const chunk of stdin) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    } catch (error) {
      throw new SightlineError('SL_INGEST_READ_FAILED', `cannot read standard input: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

async function* fileChunks(path: string, highWaterMark: number): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark })) yield chunk as Buffer;
  } catch (error) {
    if (isSightlineError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SightlineError('SL_INGEST_INPUT_NOT_FOUND', `${path} does not exist`, { cause: error });
    }
    throw new SightlineError('SL_INGEST_READ_FAILED', `cannot read ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * Gunzip driven one input chunk at a time. Output is collected from 'data' events, which zlib emits as
 * soon as it decodes: on an error zlib destroys the stream, and a paused stream or an async iterator would
 * drop the output still buffered in it, so those records would be lost. The next chunk is written only
 * after the previous one is fully decoded, which bounds the output held at once.
 */
class GunzipChunks {
  error: Error | undefined;
  private readonly zlib: Gunzip = createGunzip({ chunkSize: 128 * 1024 });
  private output: Buffer[] = [];

  constructor() {
    this.zlib.on('data', (chunk: Buffer) => this.output.push(chunk));
    this.zlib.on('error', (error: Error) => {
      this.error ??= error;
    });
  }

  async *decode(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of input) {
        await this.settle((done) => this.zlib.write(chunk, () => done()));
        yield* this.drain();
        if (this.error !== undefined) return;
      }
      await this.settle((done) => {
        this.zlib.once('end', done);
        this.zlib.end();
      });
      yield* this.drain();
    } finally {
      this.zlib.destroy();
    }
  }

  /** Wait for `start`'s callback or an error, whichever comes first. */
  private settle(start: (done: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      if (this.error !== undefined) return resolve();
      const onError = (): void => resolve();
      this.zlib.once('error', onError);
      start(() => {
        this.zlib.off('error', onError);
        resolve();
      });
    });
  }

  private *drain(): Generator<Buffer> {
    const output = this.output;
    this.output = [];
    yield* output;
  }
}

/** Merge leading chunks until the first holds MIN_FIRST_CHUNK_BYTES (for magic bytes, BOMs, sniffing). */
async function* coalesceHead(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer | null = null;
  let started = false;
  for await (const chunk of chunks) {
    if (started) {
      yield chunk;
      continue;
    }
    pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
    if (pending.length >= MIN_FIRST_CHUNK_BYTES) {
      started = true;
      yield pending;
      pending = null;
    }
  }
  if (pending !== null && pending.length > 0) yield pending;
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield first;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    // Close the file when the consumer stops early.
    await rest.return?.();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
