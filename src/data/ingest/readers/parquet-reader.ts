import { stat } from 'node:fs/promises';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { isSightlineError, SightlineError } from '../../../errors/index.ts';
import { setOwn } from '../../events/object-path.ts';
import { toJsonValue } from './parquet-values.ts';
import { DEFAULT_BATCH_SIZE } from './record-reader.ts';
import type { FramedRecord, InputSource, InputWarning, ReaderOptions, RecordReader } from './types.ts';

/**
 * Parquet, read through an in-memory DuckDB: its reader handles every encoding and compression codec,
 * and `stream` + `fetchChunk` hand over one vector (2048 rows) at a time, so the file is never
 * materialised. Each row becomes a plain object (see toJsonValue); `line` is the row number from 1.
 * `raw` is the row's JSON, which also gives the size that the record limit is checked against.
 */
export function createParquetReader(source: InputSource, options: ReaderOptions): RecordReader {
  if (source.path === '-') {
    throw new SightlineError(
      'SL_INGEST_UNKNOWN_FORMAT',
      'Parquet cannot be read from standard input; pass the file path',
    );
  }
  if (source.gzip) {
    throw new SightlineError(
      'SL_INGEST_UNKNOWN_FORMAT',
      `${source.path}: Parquet files are not gzip-compressed (it compresses internally)`,
      {
        hint: 'decompress the file, or pass --format for the format inside the .gz',
      },
    );
  }
  const warnings: InputWarning[] = [];
  let consumed = 0;
  let used = false;
  return {
    warnings,
    get bytesConsumed() {
      return consumed;
    },
    async *[Symbol.asyncIterator]() {
      if (used) throw new Error('a RecordReader can be iterated only once');
      used = true;
      const size = await fileSize(source.path);
      const instance = await DuckDBInstance.create(':memory:');
      try {
        const connection = await instance.connect();
        try {
          for await (const [batch, rowsRead, totalRows] of readRows(connection, source.path, options)) {
            // Progress: DuckDB does not say how many bytes it has read, so rows stand in for bytes.
            consumed = totalRows > 0 ? Math.min(size, Math.round((size * rowsRead) / totalRows)) : 0;
            yield batch;
          }
          consumed = size;
        } finally {
          connection.closeSync();
        }
      } finally {
        instance.closeSync();
      }
    },
  };
}

async function* readRows(
  connection: DuckDBConnection,
  path: string,
  options: ReaderOptions,
): AsyncGenerator<[FramedRecord[], number, number]> {
  const skip = options.skip ?? 0;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const failed = (error: unknown): SightlineError =>
    new SightlineError('SL_INGEST_READ_FAILED', `cannot read ${path} as Parquet: ${messageOf(error)}`, {
      cause: error,
    });

  let totalRows = 0;
  let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
  try {
    const meta = await connection.runAndReadAll(
      'SELECT coalesce(sum(num_rows), 0)::BIGINT FROM parquet_file_metadata(?)',
      [path],
    );
    totalRows = Number(meta.getRows()[0]?.[0] ?? 0);
    // Rows before `skip` were committed by an earlier run; DuckDB skips them without decoding them here.
    // The scan keeps file order (preserve_insertion_order is on by default), so OFFSET is exact.
    result = await connection.stream(
      `SELECT * FROM read_parquet(?)${skip > 0 ? ' OFFSET ?' : ''}`,
      skip > 0 ? [path, skip] : [path],
    );
  } catch (error) {
    throw failed(error);
  }
  const names = result.deduplicatedColumnNames();
  let ordinal = skip;
  let batch: FramedRecord[] = [];
  for (;;) {
    let chunk: Awaited<ReturnType<typeof result.fetchChunk>>;
    try {
      chunk = await result.fetchChunk();
    } catch (error) {
      throw failed(error);
    }
    if (chunk === null || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      const value: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) {
        const item = toJsonValue(row[c]!);
        if (item !== undefined) setOwn(value, names[c]!, item);
      }
      const raw = JSON.stringify(value);
      batch.push({ ordinal, line: ordinal + 1, value, bytes: Buffer.byteLength(raw), raw });
      ordinal++;
      if (batch.length >= batchSize) {
        yield [batch, ordinal, totalRows];
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield [batch, ordinal, totalRows];
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new SightlineError('SL_INGEST_READ_FAILED', `${path} is not a file`);
    return info.size;
  } catch (error) {
    if (isSightlineError(error)) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SightlineError('SL_INGEST_INPUT_NOT_FOUND', `${path} does not exist`, { cause: error });
    }
    throw new SightlineError('SL_INGEST_READ_FAILED', `cannot read ${path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
