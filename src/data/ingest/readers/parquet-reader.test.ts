import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParquetReader } from './parquet-reader.ts';
import { readAll, readBatches, tempDir } from './reader-test-kit.ts';
import type { ParsedRecord, ReaderOptions } from './types.ts';

const OPTIONS: ReaderOptions = { maxRecordBytes: 1024 * 1024 };

let dir = '';
let cleanup: () => Promise<void>;
let file = '';
const ROWS = 5000;

/** Writes a Parquet file with DuckDB, the way a warehouse export would. */
async function writeParquet(target: string, select: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    await connection.run(`COPY (${select}) TO '${target.replaceAll("'", "''")}' (FORMAT parquet)`);
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  file = path.join(dir, 'events.parquet');
  await writeParquet(
    file,
    `SELECT i AS n, 'u' || i AS user_id, 'click' AS event,
       TIMESTAMP '2024-03-01 10:00:00.123456' + INTERVAL (i) SECOND AS ts,
       TIMESTAMPTZ '2024-03-01 13:00:00.5+03' AS tstz,
       TIMESTAMP_NS '2024-03-01 10:00:00.123456789' AS tns,
       TIMESTAMP_MS '2024-03-01 10:00:00.123' AS tms,
       DATE '2024-03-01' AS d,
       (9007199254740990 + i)::BIGINT AS big,
       1.5::DOUBLE * i AS dbl,
       12.34::DECIMAL(18,2) AS price,
       12345678901234567.89::DECIMAL(38,2) AS big_price,
       {'a': i, 'b': NULL, 'tags': ['x', 'y']} AS s,
       [1, NULL, 3] AS l,
       MAP {'k': 'v'} AS m,
       CASE WHEN i % 2 = 0 THEN NULL ELSE 'odd' END AS maybe,
       'NaN'::DOUBLE AS nan,
       'text'::BLOB AS blob_text,
       '\\xFF'::BLOB AS blob_binary,
       uuid '5b1e3ab3-9b35-4b9f-a3b0-5e0e6b3c2c11' AS id
     FROM range(${ROWS}) t(i)`,
  );
});
afterAll(() => cleanup());

describe('createParquetReader', () => {
  it('turns rows into JSON-compatible objects in file order, with ordinal = row index and line = index + 1', async () => {
    const reader = createParquetReader({ path: file, format: 'parquet', gzip: false }, OPTIONS);
    const records = (await readAll(reader)) as ParsedRecord[];
    expect(records).toHaveLength(ROWS);
    expect(records.map((r) => r.ordinal)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    expect(records[3]!.line).toBe(4);
    expect(records[3]!.value).toEqual({
      n: 3,
      user_id: 'u3',
      event: 'click',
      ts: '2024-03-01T10:00:03.123456Z',
      tstz: '2024-03-01T10:00:00.500000Z',
      tns: '2024-03-01T10:00:00.123456Z',
      tms: '2024-03-01T10:00:00.123000Z',
      d: '2024-03-01',
      big: '9007199254740993',
      dbl: 4.5,
      price: 12.34,
      big_price: '12345678901234567.89',
      s: { a: 3, tags: ['x', 'y'] },
      l: [1, null, 3],
      m: { k: 'v' },
      maybe: 'odd',
      blob_text: 'text',
      blob_binary: '\\xFF',
      id: '5b1e3ab3-9b35-4b9f-a3b0-5e0e6b3c2c11',
    });
    expect((records[0]!.value as Record<string, unknown>).big).toBe(9007199254740990);
    expect('maybe' in (records[0]!.value as object)).toBe(false);
    expect(records[3]!.raw).toBe(JSON.stringify(records[3]!.value));
    expect(records[3]!.bytes).toBe(Buffer.byteLength(records[3]!.raw!));
    expect(reader.bytesConsumed).toBe((await stat(file)).size);
  });

  it('yields batches of batchSize and starts after `skip`', async () => {
    const batches = await readBatches(
      createParquetReader(
        { path: file, format: 'parquet', gzip: false },
        { ...OPTIONS, batchSize: 1000, skip: 4500 },
      ),
    );
    expect(batches.map((b) => b.length)).toEqual([500]);
    expect(batches[0]![0]).toMatchObject({ ordinal: 4500, line: 4501, value: { n: 4500 } });
  });

  it('rejects gzip and standard input with SL_INGEST_UNKNOWN_FORMAT', () => {
    expect(() => createParquetReader({ path: `${file}.gz`, format: 'parquet', gzip: true }, OPTIONS)).toThrow(
      expect.objectContaining({ code: 'SL_INGEST_UNKNOWN_FORMAT' }),
    );
    expect(() => createParquetReader({ path: '-', format: 'parquet', gzip: false }, OPTIONS)).toThrow(
      expect.objectContaining({ code: 'SL_INGEST_UNKNOWN_FORMAT' }),
    );
  });

  it('throws SL_INGEST_INPUT_NOT_FOUND for a missing file and SL_INGEST_READ_FAILED for a corrupt one', async () => {
    const missing = createParquetReader(
      { path: path.join(dir, 'nope.parquet'), format: 'parquet', gzip: false },
      OPTIONS,
    );
    await expect(readAll(missing)).rejects.toMatchObject({ code: 'SL_INGEST_INPUT_NOT_FOUND' });
    const corrupt = path.join(dir, 'corrupt.parquet');
    await writeFile(corrupt, 'this is not parquet');
    const reader = createParquetReader({ path: corrupt, format: 'parquet', gzip: false }, OPTIONS);
    await expect(readAll(reader)).rejects.toMatchObject({ code: 'SL_INGEST_READ_FAILED' });
  });
});
