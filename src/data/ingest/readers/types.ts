import type { RejectReason } from '../../events/event.ts';

export const INPUT_FORMATS = ['ndjson', 'json', 'csv', 'parquet'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** One input to read: a file path, or `-` for standard input. */
export interface InputSource {
  path: string;
  /** Given by --format, else inferred from the extension (after stripping `.gz`) or sniffed. */
  format: InputFormat;
  /** True when the bytes are gzip-compressed (`.gz` extension, or the gzip magic bytes on stdin). */
  gzip: boolean;
}

/**
 * One record as framed by a reader, before validation.
 * `ordinal` counts records in the source from 0 (blank lines are not records and are not counted);
 * `line` is the 1-based line where the record starts.
 */
export type FramedRecord = ParsedRecord | BrokenRecord;

export interface ParsedRecord {
  ordinal: number;
  line: number;
  /** The decoded value: any JSON value for ndjson/json, an object of strings for csv, of values for parquet. */
  value: unknown;
  /** Length of the raw record in bytes (UTF-8). */
  bytes: number;
  /** The raw text, kept only when a reader has it for free; the pipeline re-serialises `value` otherwise. */
  raw?: string;
}

export interface BrokenRecord {
  ordinal: number;
  line: number;
  reject: RejectReason;
  /** The raw text (at most `maxDeadLetterRawBytes` of it; see `rawTruncated`). */
  raw: string;
  rawTruncated?: boolean;
  bytes: number;
  detail?: string;
}

export interface ReaderOptions {
  /** Records with ordinal < skip are framed (to count lines) but neither parsed nor yielded. */
  skip?: number;
  maxRecordBytes: number;
  /** How many records a yielded batch holds at most. */
  batchSize?: number;
}

/** Problems with a whole input that are not one record's fault (for example a truncated gzip stream). */
export interface InputWarning {
  code: string;
  message: string;
}

/** Readers yield batches of records (async iteration per record would cost more than the parse). */
export interface RecordReader extends AsyncIterable<FramedRecord[]> {
  /** Bytes of the underlying (possibly compressed) input consumed so far, for progress. */
  readonly bytesConsumed: number;
  readonly warnings: InputWarning[];
}
