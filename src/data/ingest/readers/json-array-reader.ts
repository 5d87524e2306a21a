import { ArrayScanner, isJsonWhitespace } from './json-array-scanner.ts';
import { frameNdjson } from './ndjson-reader.ts';
import type { ByteStream, OpenInputOptions } from './open-input.ts';
import {
  byteStreamReader,
  DEFAULT_BATCH_SIZE,
  hasBom,
  labelOf,
  TRUNCATED_INPUT_WARNING,
} from './record-reader.ts';
import type { FramedRecord, InputSource, InputWarning, ReaderOptions, RecordReader } from './types.ts';

/**
 * The `json` format: JSON text that is either one array of records or NDJSON. `.json` files are both in
 * the wild (exports write arrays, loggers write NDJSON under .json), and stdin has no name at all, so the
 * first non-whitespace byte decides: `[` is an array, streamed element by element; anything else is
 * handed to the NDJSON framer (a `{` per line is NDJSON; other text fails there record by record).
 */
export function createJsonReader(
  source: InputSource,
  options: ReaderOptions,
  io?: OpenInputOptions,
): RecordReader {
  return byteStreamReader(
    source,
    options,
    (bytes, opts, warnings) => frameJson(bytes, opts, warnings, source),
    io,
  );
}

const OPEN_BRACKET = 0x5b;

export async function* frameJson(
  bytes: ByteStream,
  options: ReaderOptions,
  warnings: InputWarning[],
  source?: InputSource,
): AsyncGenerator<FramedRecord[]> {
  // Sniff: read until the first non-whitespace byte (usually in the first chunk).
  const iterator = bytes[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let kind = 0;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    let chunk = next.value;
    if (seen.length === 0 && hasBom(chunk)) chunk = chunk.subarray(3);
    seen.push(chunk);
    let i = 0;
    while (i < chunk.length && isJsonWhitespace(chunk[i]!)) i++;
    if (i < chunk.length) {
      kind = chunk[i]!;
      break;
    }
  }
  const rest = withPrefix(seen, iterator, bytes);
  if (kind === 0) return; // empty or whitespace only
  if (kind !== OPEN_BRACKET) {
    yield* frameNdjson(rest, options);
    return;
  }
  yield* frameJsonArray(rest, options, warnings, source);
}

/** The sniffed chunks followed by the rest of the stream, as a ByteStream again. */
function withPrefix(prefix: Buffer[], rest: AsyncIterator<Buffer>, bytes: ByteStream): ByteStream {
  return {
    get bytesConsumed() {
      return bytes.bytesConsumed;
    },
    get failure() {
      return bytes.failure;
    },
    async *[Symbol.asyncIterator]() {
      yield* prefix;
      for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
    },
  };
}

/**
 * Stream a JSON array: a byte-level scanner tracks strings, escapes and nesting depth to find where each
 * top-level element ends, then JSON.parse reads just that element. Memory holds one element at most
 * (and only the first 64 KiB of an oversized one). `line` is the line where the element starts.
 * Damage is reported, never skipped: a missing comma, an empty slot (`[1,,2]`) and text after the
 * closing bracket are invalid_json records; an element cut off by the end of input is `truncated`; an
 * array that is never closed also gets a warning.
 */
export async function* frameJsonArray(
  bytes: ByteStream,
  options: ReaderOptions,
  warnings: InputWarning[],
  source?: InputSource,
): AsyncGenerator<FramedRecord[]> {
  const scanner = new ArrayScanner(options.maxRecordBytes, options.skip ?? 0);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  for await (const chunk of bytes) {
    scanner.scan(chunk);
    if (scanner.batch.length >= batchSize) yield scanner.take();
  }
  const unclosed = scanner.finish(bytes.failure !== undefined);
  if (unclosed && bytes.failure === undefined) {
    const where = source ? `${labelOf(source)}: ` : '';
    warnings.push({
      code: TRUNCATED_INPUT_WARNING,
      message: `${where}the JSON array is not closed (no final "]")`,
    });
  }
  if (scanner.batch.length > 0) yield scanner.take();
}
