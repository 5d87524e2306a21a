import { describe, expect, it } from 'vitest';
import { createReader } from './create-reader.ts';
import { readAll } from './reader-test-kit.ts';

async function* stdin(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

describe('createReader', () => {
  it('dispatches on the format', async () => {
    const options = { maxRecordBytes: 1024 };
    const ndjson = createReader({ path: '-', format: 'ndjson', gzip: false }, options, {
      stdin: stdin('[1]\n'),
    });
    expect(await readAll(ndjson)).toMatchObject([{ value: [1] }]);
    const json = createReader({ path: '-', format: 'json', gzip: false }, options, { stdin: stdin('[1]\n') });
    expect(await readAll(json)).toMatchObject([{ value: 1 }]);
    const csv = createReader({ path: '-', format: 'csv', gzip: false }, options, { stdin: stdin('a\n1\n') });
    expect(await readAll(csv)).toMatchObject([{ value: { a: '1' } }]);
    expect(() => createReader({ path: '-', format: 'parquet', gzip: false }, options)).toThrow(
      expect.objectContaining({ code: 'SL_INGEST_UNKNOWN_FORMAT' }),
    );
  });

  it('opens nothing until iterated', () => {
    const reader = createReader(
      { path: '/does/not/exist.ndjson', format: 'ndjson', gzip: false },
      { maxRecordBytes: 1 },
    );
    expect(reader.bytesConsumed).toBe(0);
    expect(reader.warnings).toEqual([]);
  });
});
