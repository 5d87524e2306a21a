import { type ByteStream, type OpenInputOptions, openInput } from './open-input.ts';
import type { FramedRecord, InputSource, InputWarning, ReaderOptions, RecordReader } from './types.ts';

export const DEFAULT_BATCH_SIZE = 4096;

/** Warning code for an input that ended early (corrupt or truncated compressed data, unclosed JSON array). */
export const TRUNCATED_INPUT_WARNING = 'SL_INGEST_TRUNCATED_INPUT';

/** A reader's framing: decoded bytes in, batches of records out. */
export type FrameRecords = (
  bytes: ByteStream,
  options: ReaderOptions,
  warnings: InputWarning[],
) => AsyncGenerator<FramedRecord[]>;

/**
 * A RecordReader over the bytes of one input: opens it when iteration starts, frames it, and adds the
 * truncation warning when the byte stream ended early.
 */
export function byteStreamReader(
  source: InputSource,
  options: ReaderOptions,
  frame: FrameRecords,
  openOptions: OpenInputOptions = {},
): RecordReader {
  const warnings: InputWarning[] = [];
  let bytes: ByteStream | null = null;
  return {
    warnings,
    get bytesConsumed() {
      return bytes?.bytesConsumed ?? 0;
    },
    async *[Symbol.asyncIterator]() {
      if (bytes !== null) throw new Error('a RecordReader can be iterated only once');
      bytes = openInput(source, openOptions);
      yield* frame(bytes, options, warnings);
      if (bytes.failure !== undefined) {
        warnings.push({ code: TRUNCATED_INPUT_WARNING, message: `${labelOf(source)}: ${bytes.failure}` });
      }
    },
  };
}

export function labelOf(source: InputSource): string {
  return source.path === '-' ? 'standard input' : source.path;
}

/** A UTF-8 byte order mark at the start of a buffer. */
export function hasBom(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}
