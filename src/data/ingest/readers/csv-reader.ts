import { isUtf8 } from 'node:buffer';
import { SightlineError } from '../../../errors/index.ts';
import { setOwn } from '../../events/object-path.ts';
import { parseCsvRow, uniqueColumnNames } from './csv-row.ts';
import type { ByteStream, OpenInputOptions } from './open-input.ts';
import { excerptEnd, OversizedRecord, oversizedInBuffer } from './raw-excerpt.ts';
import { byteStreamReader, DEFAULT_BATCH_SIZE, hasBom, labelOf } from './record-reader.ts';
import type { FramedRecord, InputSource, InputWarning, ReaderOptions, RecordReader } from './types.ts';
import { validUtf8Region } from './utf8-region.ts';

/**
 * CSV and TSV (RFC 4180): the first row names the columns; fields may be quoted, with `""` for a quote
 * and with delimiters and newlines inside. Each data row becomes an object of strings keyed by column,
 * with empty fields left out (empty means absent: the normaliser then treats a missing user id or an
 * empty age the same way for CSV as for JSON). `.tsv` files use a tab, everything else a comma.
 */
export function createCsvReader(
  source: InputSource,
  options: ReaderOptions,
  io?: OpenInputOptions,
): RecordReader {
  const delimiter = csvDelimiterFor(source.path);
  return byteStreamReader(
    source,
    options,
    (bytes, opts, warnings) => frameCsv(bytes, opts, warnings, delimiter, source),
    io,
  );
}

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
export const COMMA = 0x2c;
export const TAB = 0x09;

export function csvDelimiterFor(path: string): number {
  return /\.tsv(\.gz)?$/i.test(path) ? TAB : COMMA;
}

/**
 * Frame CSV bytes into records. Rows are found at byte level: a row without quotes ends at the next
 * newline (two memchr calls), a row with quotes is scanned byte by byte with the quote state. Lines count
 * the newlines inside quoted fields too, so `line` is the line where a row starts (the header is line 1).
 * A quote opens a quoted field only at the start of a field; elsewhere it is a literal character (as in
 * `5" screen`), which is what Python's csv and DuckDB's sniffer-free reader do as well.
 */
export async function* frameCsv(
  bytes: ByteStream,
  options: ReaderOptions,
  warnings: InputWarning[],
  delimiter = COMMA,
  source?: InputSource,
): AsyncGenerator<FramedRecord[]> {
  const scanner = new CsvScanner(options, delimiter, warnings, source ? labelOf(source) : 'the CSV input');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let first = true;
  for await (const input of bytes) {
    let chunk = input;
    if (first) {
      first = false;
      if (hasBom(chunk)) chunk = chunk.subarray(3);
    }
    scanner.scan(chunk);
    if (scanner.batch.length >= batchSize) yield scanner.take();
  }
  scanner.finish(bytes.failure !== undefined);
  if (scanner.batch.length > 0) yield scanner.take();
}

class CsvScanner {
  batch: FramedRecord[] = [];
  private header: string[] | null = null;
  private headerHasProto = false;
  private line = 0;
  private ordinal = 0;
  private readonly maxRecordBytes: number;
  private readonly skip: number;
  private readonly delimiterChar: string;
  // The row in progress (spanning chunks, or containing quotes).
  private inRow = false;
  private inQuotes = false;
  private fieldStart = true;
  /** The previous byte closed a quoted field (or was the first quote of a "" escape). */
  private closed = false;
  private rowLine = 0;
  private rowNewlines = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private oversized: OversizedRecord | null = null;
  /** The region of the current chunk known to be valid UTF-8. */
  private validStart = 0;
  private validEnd = 0;

  constructor(
    options: ReaderOptions,
    private readonly delimiter: number,
    private readonly warnings: InputWarning[],
    private readonly label: string,
  ) {
    this.maxRecordBytes = options.maxRecordBytes;
    this.skip = options.skip ?? 0;
    this.delimiterChar = String.fromCharCode(delimiter);
  }

  take(): FramedRecord[] {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  scan(chunk: Buffer): void {
    const valid = validUtf8Region(chunk);
    this.validStart = valid.start;
    this.validEnd = valid.end;
    const n = chunk.length;
    let i = 0;
    let nextQuote = -1; // position of the next quote at or after i (n when there is none)
    let rowStart = this.inRow ? 0 : -1;
    while (i < n) {
      if (!this.inRow) {
        const nl = chunk.indexOf(NL, i);
        if (nl !== -1) {
          if (nextQuote < i) {
            nextQuote = chunk.indexOf(QUOTE, i);
            if (nextQuote === -1) nextQuote = n;
          }
          if (nextQuote > nl) {
            // Fast path: a whole row without quotes.
            this.rowLine = this.line + 1;
            this.rowNewlines = 0;
            this.line++;
            this.emitRow(chunk, i, nl, false);
            i = nl + 1;
            continue;
          }
        }
        this.inRow = true;
        this.inQuotes = false;
        this.fieldStart = true;
        this.closed = false;
        this.rowLine = this.line + 1;
        this.rowNewlines = 0;
        rowStart = i;
      }
      // Slow path: scan the row byte by byte until its newline or the end of the chunk.
      const delimiter = this.delimiter;
      let inQuotes = this.inQuotes;
      let fieldStart = this.fieldStart;
      let closed = this.closed;
      let end = -1;
      for (; i < n; i++) {
        const c = chunk[i];
        if (inQuotes) {
          if (c === QUOTE) {
            inQuotes = false; // closing, or the first half of a "" escape
            closed = true;
          } else if (c === NL) this.rowNewlines++;
          continue;
        }
        if (closed) {
          closed = false;
          if (c === QUOTE) {
            inQuotes = true; // it was "": still inside the quoted field
            continue;
          }
        }
        if (c === QUOTE) {
          // Only a quote at the start of a field opens a quoted field; elsewhere it is a character.
          if (fieldStart) inQuotes = true;
          fieldStart = false;
        } else if (c === delimiter) fieldStart = true;
        else if (c === NL) {
          end = i;
          break;
        } else fieldStart = false;
      }
      this.inQuotes = inQuotes;
      this.fieldStart = fieldStart;
      this.closed = closed;
      if (end === -1) break;
      this.line += 1 + this.rowNewlines;
      this.inRow = false;
      this.emitRow(chunk, rowStart, end, true);
      rowStart = -1;
      i = end + 1;
    }
    if (this.inRow && rowStart !== -1) this.keep(chunk, rowStart, n);
  }

  finish(failed: boolean): void {
    if (!this.inRow) return;
    this.inRow = false;
    this.line += 1 + this.rowNewlines;
    if (this.inQuotes || failed) {
      const detail = this.inQuotes
        ? 'a quoted field is not closed at the end of the input'
        : 'the input ended inside this row';
      this.emitKept(detail);
      return;
    }
    this.emitKept(null);
  }

  private keep(buf: Buffer, start: number, end: number): void {
    if (this.oversized !== null) {
      this.oversized.extend(buf, start, end);
      return;
    }
    this.parts.push(buf.subarray(start, end));
    this.partsBytes += end - start;
    if (this.partsBytes > this.maxRecordBytes + 1) {
      this.oversized = new OversizedRecord(this.rowLine);
      for (const part of this.parts) this.oversized.extend(part, 0, part.length);
      this.parts = [];
      this.partsBytes = 0;
    }
  }

  /** A row that ended at a newline in `chunk`: chunk[start, end) plus whatever was kept before. */
  private emitRow(chunk: Buffer, start: number, end: number, mayHaveQuotes: boolean): void {
    if (this.parts.length === 0 && this.oversized === null) {
      const knownUtf8 = start >= this.validStart && end <= this.validEnd;
      this.frameRow(chunk, start, end, mayHaveQuotes, null, knownUtf8);
      return;
    }
    this.keep(chunk, start, end);
    this.emitKept(null);
  }

  /** The kept row, as a record or (with a detail) as `truncated`. */
  private emitKept(truncatedDetail: string | null): void {
    const oversized = this.oversized;
    const parts = this.parts;
    this.parts = [];
    this.partsBytes = 0;
    this.oversized = null;
    if (oversized !== null) {
      if (this.header === null) this.headerTooLarge();
      const ordinal = this.ordinal++;
      if (ordinal < this.skip) return;
      this.batch.push(
        truncatedDetail !== null
          ? oversized.toBroken(ordinal, 'truncated', truncatedDetail)
          : oversized.toBroken(
              ordinal,
              'record_too_large',
              `the row is larger than ${this.maxRecordBytes} bytes`,
            ),
      );
      return;
    }
    const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.frameRow(buf, 0, buf.length, true, truncatedDetail, false);
  }

  private frameRow(
    buf: Buffer,
    start: number,
    rowEnd: number,
    mayHaveQuotes: boolean,
    truncated: string | null,
    knownUtf8: boolean,
  ): void {
    let end = rowEnd;
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) return; // an empty line is not a row
    const bytes = end - start;
    if (this.header === null) {
      this.readHeader(buf, start, end, mayHaveQuotes);
      return;
    }
    const ordinal = this.ordinal++;
    if (ordinal < this.skip) return;
    const line = this.rowLine;
    if (truncated !== null) {
      const cut = excerptEnd(buf, start, end);
      const broken: FramedRecord = {
        ordinal,
        line,
        reject: 'truncated',
        raw: buf.toString('utf8', start, cut),
        bytes,
        detail: truncated,
      };
      if (cut < end) broken.rawTruncated = true;
      this.batch.push(broken);
      return;
    }
    if (bytes > this.maxRecordBytes) {
      this.batch.push(
        oversizedInBuffer(
          buf,
          start,
          end,
          ordinal,
          line,
          `the row is larger than ${this.maxRecordBytes} bytes`,
        ),
      );
      return;
    }
    const raw = buf.toString('utf8', start, end);
    if (!knownUtf8 && !isUtf8(buf.subarray(start, end))) {
      this.batch.push({
        ordinal,
        line,
        reject: 'invalid_utf8',
        raw,
        bytes,
        detail: 'the row is not valid UTF-8',
      });
      return;
    }
    const fields = mayHaveQuotes ? parseCsvRow(raw, this.delimiter) : raw.split(this.delimiterChar);
    if (typeof fields === 'string') {
      this.batch.push({ ordinal, line, reject: 'invalid_field', raw, bytes, detail: fields });
      return;
    }
    const header = this.header;
    if (fields.length !== header.length) {
      const detail = `the row has ${fields.length} fields, the header has ${header.length}`;
      this.batch.push({ ordinal, line, reject: 'invalid_field', raw, bytes, detail });
      return;
    }
    const value: Record<string, string> = {};
    for (let k = 0; k < fields.length; k++) {
      const field = fields[k]!;
      if (field === '') continue;
      if (this.headerHasProto) setOwn(value, header[k]!, field);
      else value[header[k]!] = field;
    }
    this.batch.push({ ordinal, line, value, bytes, raw });
  }

  private readHeader(buf: Buffer, start: number, end: number, mayHaveQuotes: boolean): void {
    if (end - start > this.maxRecordBytes) this.headerTooLarge();
    const text = buf.toString('utf8', start, end);
    if (!isUtf8(buf.subarray(start, end))) {
      this.warnings.push({
        code: 'SL_INGEST_CSV_HEADER',
        message: `${this.label}: the header is not valid UTF-8; bad bytes in column names became U+FFFD`,
      });
    }
    const fields = mayHaveQuotes ? parseCsvRow(text, this.delimiter) : text.split(this.delimiterChar);
    if (typeof fields === 'string') {
      throw new SightlineError(
        'SL_INGEST_READ_FAILED',
        `${this.label}: the CSV header (line ${this.rowLine}) is malformed: ${fields}`,
      );
    }
    this.header = uniqueColumnNames(fields, this.warnings, this.label);
    this.headerHasProto = this.header.includes('__proto__');
  }

  private headerTooLarge(): never {
    throw new SightlineError(
      'SL_INGEST_READ_FAILED',
      `${this.label}: the CSV header is larger than the record size limit (${this.maxRecordBytes} bytes)`,
    );
  }
}
