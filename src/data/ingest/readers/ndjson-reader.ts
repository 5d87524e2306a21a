import { isUtf8 } from 'node:buffer';
import { jsonRecord } from './json-record.ts';
import type { ByteStream, OpenInputOptions } from './open-input.ts';
import { OversizedRecord, oversizedInBuffer } from './raw-excerpt.ts';
import { byteStreamReader, DEFAULT_BATCH_SIZE, hasBom } from './record-reader.ts';
import type { FramedRecord, InputSource, ReaderOptions, RecordReader } from './types.ts';

/**
 * NDJSON: one JSON value per line. This is the hot path of every import, so it works on Buffers: newlines
 * are found with Buffer#indexOf (memchr), UTF-8 is validated once per chunk with the native isUtf8, and a
 * line becomes a string only to be parsed. Nothing per line is allocated but the string, the parsed value
 * and the record object.
 */
export function createNdjsonReader(
  source: InputSource,
  options: ReaderOptions,
  io?: OpenInputOptions,
): RecordReader {
  return byteStreamReader(source, options, frameNdjson, io);
}

const NL = 0x0a;
const CR = 0x0d;

/**
 * Frame NDJSON bytes into batches of records.
 * - A UTF-8 BOM at the start is skipped; a CR before a newline is not part of the line.
 * - Blank (whitespace-only) lines are not records: they get no ordinal but do count as lines.
 * - A line longer than maxRecordBytes is rejected as record_too_large. Only its first 64 KiB is kept, so
 *   a line of any length (even gigabytes without a newline) is read in bounded memory.
 * - A last line without a newline is a record, unless the byte stream failed: then it is `truncated`.
 */
export async function* frameNdjson(
  bytes: ByteStream,
  options: ReaderOptions,
): AsyncGenerator<FramedRecord[]> {
  const framer = new LineFramer(options.maxRecordBytes, options.skip ?? 0);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxRecordBytes = options.maxRecordBytes;
  // A line's start can arrive in one chunk and its end in a later one; `carry` holds the start
  // (at most maxRecordBytes + 1 bytes: beyond that the line is oversized and only counted).
  let carry: Buffer | null = null;
  let oversized: OversizedRecord | null = null;
  let first = true;

  for await (const input of bytes) {
    let chunk = input;
    if (first) {
      first = false;
      if (hasBom(chunk)) chunk = chunk.subarray(3);
    }
    const end = chunk.length;
    let pos = 0;

    if (oversized !== null || carry !== null) {
      const nl = chunk.indexOf(NL);
      if (oversized !== null) {
        oversized.extend(chunk, 0, nl === -1 ? end : nl);
        if (nl === -1) continue;
        framer.oversized(oversized);
        oversized = null;
      } else if (carry !== null) {
        if (nl === -1) {
          // +1: the last byte may be the CR of a CRLF, which does not count.
          if (carry.length + end > maxRecordBytes + 1) {
            oversized = new OversizedRecord(framer.line + 1);
            oversized.extend(carry, 0, carry.length);
            oversized.extend(chunk, 0, end);
            carry = null;
          } else {
            carry = Buffer.concat([carry, chunk]);
          }
          continue;
        }
        const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
        carry = null;
        framer.add(line, 0, line.length, false);
      }
      pos = nl + 1;
    }

    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl >= pos) {
      // One native check for all complete lines; only a failing chunk is checked line by line.
      const valid = isUtf8(chunk.subarray(pos, lastNl));
      while (pos <= lastNl) {
        const nl = chunk.indexOf(NL, pos);
        framer.add(chunk, pos, nl, valid);
        pos = nl + 1;
        if (framer.batch.length >= batchSize) yield framer.take();
      }
    }
    if (pos < end) {
      if (end - pos > maxRecordBytes + 1) {
        oversized = new OversizedRecord(framer.line + 1);
        oversized.extend(chunk, pos, end);
      } else {
        // A copy, so that the 1 MiB chunk it came from can be collected.
        carry = Buffer.from(chunk.subarray(pos, end));
      }
    }
    if (framer.batch.length >= batchSize) yield framer.take();
  }

  const failed = bytes.failure !== undefined;
  if (oversized !== null) {
    framer.oversized(oversized, failed);
  } else if (carry !== null) {
    if (failed) framer.truncated(carry);
    else framer.add(carry, 0, carry.length, false);
  }
  if (framer.batch.length > 0) yield framer.take();
}

/**
 * Turns complete lines into records. A class rather than closures so that the per-line call is a
 * monomorphic method call on fixed fields.
 */
class LineFramer {
  batch: FramedRecord[] = [];
  /** Lines seen so far, blank ones included. */
  line = 0;
  private ordinal = 0;

  constructor(
    private readonly maxRecordBytes: number,
    private readonly skip: number,
  ) {}

  take(): FramedRecord[] {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  /** buf[start, end) is one line without its newline; `valid` says it is already known to be UTF-8. */
  add(buf: Buffer, start: number, lineEnd: number, valid: boolean): void {
    const line = ++this.line;
    let end = lineEnd;
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) return;
    if (buf[start] !== 0x7b && isBlank(buf, start, end)) return; // 0x7b: '{', the usual first byte
    const ordinal = this.ordinal++;
    if (ordinal < this.skip) return;
    const bytes = end - start;
    if (bytes > this.maxRecordBytes) {
      this.batch.push(
        oversizedInBuffer(
          buf,
          start,
          end,
          ordinal,
          line,
          `the line has ${bytes} bytes, more than ${this.maxRecordBytes}`,
        ),
      );
      return;
    }
    if (!valid && !isUtf8(buf.subarray(start, end))) {
      this.batch.push({
        ordinal,
        line,
        reject: 'invalid_utf8',
        raw: buf.toString('utf8', start, end),
        bytes,
        detail: 'the line is not valid UTF-8 (raw shows the bad bytes as U+FFFD)',
      });
      return;
    }
    const raw = buf.toString('utf8', start, end);
    this.batch.push(jsonRecord(ordinal, line, raw, bytes));
  }

  /** A line that was too long; `truncated` when the input ended inside it. */
  oversized(record: OversizedRecord, truncated = false): void {
    this.line++;
    const ordinal = this.ordinal++;
    if (ordinal < this.skip) return;
    const broken = truncated
      ? record.toBroken(ordinal, 'truncated', 'the input ended inside this (oversized) line')
      : record.toBroken(ordinal, 'record_too_large', '');
    if (!truncated) broken.detail = `the line has ${broken.bytes} bytes, more than ${this.maxRecordBytes}`;
    this.batch.push(broken);
  }

  /** The partial last line of an input that ended early. */
  truncated(buf: Buffer): void {
    const line = ++this.line;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === CR) end--;
    if (end === 0 || isBlank(buf, 0, end)) return;
    const ordinal = this.ordinal++;
    if (ordinal < this.skip) return;
    this.batch.push({
      ordinal,
      line,
      reject: 'truncated',
      raw: buf.toString('utf8', 0, end),
      bytes: end,
      detail: 'the input ended inside this line',
    });
  }
}

/** Only JSON whitespace (space, tab, CR) between start and end. */
function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}
