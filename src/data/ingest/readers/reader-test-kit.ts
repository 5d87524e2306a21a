/** Helpers for the reader tests (not used by the readers themselves). */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ByteStream, MIN_FIRST_CHUNK_BYTES } from './open-input.ts';
import type { FramedRecord, RecordReader } from './types.ts';

/** A fresh directory under the OS temp dir, and a function that removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-readers-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function readBatches(reader: AsyncIterable<FramedRecord[]>): Promise<FramedRecord[][]> {
  const batches: FramedRecord[][] = [];
  for await (const batch of reader) batches.push(batch);
  return batches;
}

export async function readAll(reader: AsyncIterable<FramedRecord[]> | RecordReader): Promise<FramedRecord[]> {
  return (await readBatches(reader)).flat();
}

/** An in-memory ByteStream yielding the given chunks, optionally ending with a failure. */
export function bytesOf(chunks: (string | Buffer)[], failure?: string): ByteStream {
  let consumed = 0;
  let ended = false;
  return {
    get bytesConsumed() {
      return consumed;
    },
    get failure() {
      return ended ? failure : undefined;
    },
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunks) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        consumed += buf.length;
        yield buf;
      }
      ended = true;
    },
  };
}

/**
 * The bytes of `data` cut into chunks of `size` bytes (splitting characters and CRLFs anywhere), except
 * that the first chunk holds at least MIN_FIRST_CHUNK_BYTES, as openInput guarantees.
 */
export function chunked(data: string | Buffer, size: number): Buffer[] {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const first = Math.max(size, MIN_FIRST_CHUNK_BYTES);
  const out: Buffer[] = [buf.subarray(0, first)];
  for (let i = first; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

/** Records without `raw`, for comparing framings of the same input that differ only in chunking. */
export function summary(records: FramedRecord[]): unknown[] {
  return records.map((r) =>
    'reject' in r ? { ...r } : { ordinal: r.ordinal, line: r.line, value: r.value, bytes: r.bytes },
  );
}
