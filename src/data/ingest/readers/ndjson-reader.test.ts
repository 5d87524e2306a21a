import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNdjsonReader, frameNdjson } from './ndjson-reader.ts';
import { MAX_RAW_BYTES } from './raw-excerpt.ts';
import { bytesOf, chunked, readAll, readBatches, summary, tempDir } from './reader-test-kit.ts';
import type { BrokenRecord, FramedRecord, ParsedRecord, ReaderOptions } from './types.ts';

const OPTIONS: ReaderOptions = { maxRecordBytes: 1024 * 1024 };

function frame(chunks: (string | Buffer)[], options: Partial<ReaderOptions> = {}, failure?: string) {
  return readAll(frameNdjson(bytesOf(chunks, failure), { ...OPTIONS, ...options }));
}

function jsonParseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a parse error');
}

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('frameNdjson', () => {
  it('yields one parsed record per line with ordinal, line, value, bytes and raw', async () => {
    const records = await frame(['{"a":1}\n{"b":"é"}\n[1,2]\n']);
    expect(records).toEqual([
      { ordinal: 0, line: 1, value: { a: 1 }, bytes: 7, raw: '{"a":1}' },
      { ordinal: 1, line: 2, value: { b: 'é' }, bytes: 10, raw: '{"b":"é"}' },
      { ordinal: 2, line: 3, value: [1, 2], bytes: 5, raw: '[1,2]' },
    ]);
  });

  it('reads nothing from an empty input or one of blank lines', async () => {
    expect(await frame([])).toEqual([]);
    expect(await frame([''])).toEqual([]);
    expect(await frame(['\n  \n\t\r\n'])).toEqual([]);
  });

  it('skips a BOM, strips CR of CRLF, and counts blank lines as lines but not records', async () => {
    const records = await frame(['\uFEFF{"a":1}\r\n\r\n   \n{"a":2}\r\n']);
    expect(records).toEqual([
      { ordinal: 0, line: 1, value: { a: 1 }, bytes: 7, raw: '{"a":1}' },
      { ordinal: 1, line: 4, value: { a: 2 }, bytes: 7, raw: '{"a":2}' },
    ]);
  });

  it('reads a last line without a newline as a normal record', async () => {
    expect(await frame(['{"a":1}\n{"a":2}'])).toMatchObject([{ line: 1 }, { line: 2, value: { a: 2 } }]);
  });

  it('rejects invalid JSON with the parser message as detail', async () => {
    const records = await frame(['{"a":1}\n{"a":\n{"a":3}\n']);
    expect(records[1]).toEqual({
      ordinal: 1,
      line: 2,
      reject: 'invalid_json',
      raw: '{"a":',
      bytes: 5,
      detail: jsonParseError('{"a":'),
    });
    expect(records[2]).toMatchObject({ ordinal: 2, line: 3, value: { a: 3 } });
  });

  it('rejects a line of invalid UTF-8 mid-file and reads the lines around it', async () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const input = Buffer.concat([Buffer.from('{"a":"ü"}\n'), bad, Buffer.from('\n{"a":"ok"}\n')]);
    const records = await frame([input]);
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ line: 1, value: { a: 'ü' } });
    expect(records[1]).toEqual({
      ordinal: 1,
      line: 2,
      reject: 'invalid_utf8',
      raw: '{"a":"\uFFFD\uFFFD"}',
      bytes: 10,
      detail: 'the line is not valid UTF-8 (raw shows the bad bytes as U+FFFD)',
    });
    expect(records[2]).toMatchObject({ line: 3, value: { a: 'ok' } });
  });

  it('frames the same records whatever the chunk boundaries (multi-byte characters and CRLF split)', async () => {
    const text = '\uFEFF{"k":"日本語"}\r\n\n{"k":"😀"}\r\n{"k":\n{"k":1}';
    const whole = summary(await frame([text]));
    for (const size of [1, 2, 3, 5, 7]) {
      expect(summary(await frame(chunked(text, size)))).toEqual(whole);
    }
    expect(whole).toHaveLength(4);
  });

  it('accepts a line of exactly maxRecordBytes and rejects one byte more', async () => {
    const line = (n: number) => `{"a":"${'x'.repeat(n - 8)}"}`;
    const records = await frame([`${line(100)}\n${line(101)}\r\n`], { maxRecordBytes: 100 });
    expect(records[0]).toMatchObject({ line: 1, bytes: 100 });
    expect(records[1]).toMatchObject({ line: 2, reject: 'record_too_large', bytes: 101, rawTruncated: true });
  });

  it('rejects a 10 MB line keeping only 64 KiB of it, then reads on with the right line numbers', async () => {
    const big = `{"a":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    const input = `{"n":1}\n${big}\n{"n":3}\n`;
    for (const chunks of [[input], chunked(input, 64 * 1024), chunked(input, 1024 * 1024)]) {
      const records = await frame(chunks);
      expect(records).toHaveLength(3);
      const broken = records[1] as BrokenRecord;
      expect(broken).toMatchObject({ ordinal: 1, line: 2, reject: 'record_too_large', rawTruncated: true });
      expect(broken.bytes).toBe(Buffer.byteLength(big));
      expect(broken.raw.length).toBeLessThanOrEqual(MAX_RAW_BYTES);
      expect(broken.raw).toBe(big.slice(0, MAX_RAW_BYTES));
      expect(records[2]).toMatchObject({ ordinal: 2, line: 3, value: { n: 3 } });
    }
  });

  it('reads a line of hundreds of MB without a newline in bounded memory', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x78); // the same 1 MiB buffer, yielded 300 times
    const chunks = new Array<Buffer>(300).fill(chunk);
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const records = await frame(chunks);
    const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      reject: 'record_too_large',
      bytes: 300 * 1024 * 1024,
      rawTruncated: true,
    });
    expect((records[0] as BrokenRecord).raw.length).toBe(MAX_RAW_BYTES);
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('cuts the raw excerpt of an oversized line at a character boundary', async () => {
    const big = 'é'.repeat(MAX_RAW_BYTES); // 2 bytes each
    const records = await frame([`"${big}"\n`], { maxRecordBytes: 1000 });
    const raw = (records[0] as BrokenRecord).raw;
    expect(raw.includes('\uFFFD')).toBe(false);
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(MAX_RAW_BYTES);
  });

  it('counts but does not yield records before `skip`', async () => {
    const records = await frame(['{"n":0}\n\n{"n":1}\nnot json\n{"n":3}\n'], { skip: 2 });
    expect(records).toMatchObject([
      { ordinal: 2, line: 4, reject: 'invalid_json' },
      { ordinal: 3, line: 5, value: { n: 3 } },
    ]);
  });

  it('yields batches of at most batchSize records', async () => {
    const input = Array.from({ length: 10 }, (_, i) => `{"n":${i}}\n`).join('');
    const batches = await readBatches(frameNdjson(bytesOf([input]), { ...OPTIONS, batchSize: 3 }));
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(batches.flat().map((r) => r.ordinal)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('marks a partial last line as truncated when the byte stream failed', async () => {
    const records = await frame(['{"n":1}\n{"n":2'], {}, 'gzip failed');
    expect(records[1]).toEqual({
      ordinal: 1,
      line: 2,
      reject: 'truncated',
      raw: '{"n":2',
      bytes: 6,
      detail: 'the input ended inside this line',
    });
  });
});

describe('createNdjsonReader', () => {
  const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ n: i, pad: 'p'.repeat(i % 50) }));
  const text = `${lines.join('\n')}\n`;

  it('reads a gzip file like the plain one and reports the compressed bytes consumed', async () => {
    const plain = path.join(dir, 'a.ndjson');
    const gz = path.join(dir, 'a.ndjson.gz');
    const compressed = gzipSync(text);
    await writeFile(plain, text);
    await writeFile(gz, compressed);
    const reader = createNdjsonReader({ path: gz, format: 'ndjson', gzip: true }, OPTIONS);
    const fromGzip = await readAll(reader);
    const fromPlain = await readAll(
      createNdjsonReader({ path: plain, format: 'ndjson', gzip: false }, OPTIONS),
    );
    expect(fromGzip).toEqual(fromPlain);
    expect(fromGzip).toHaveLength(20000);
    expect(reader.bytesConsumed).toBe(compressed.length);
    expect(reader.warnings).toEqual([]);
  });

  it('keeps every record decoded before the cut of a truncated gzip file, flags the partial one and warns', async () => {
    const compressed = gzipSync(text);
    const cut = compressed.subarray(0, Math.floor(compressed.length * 0.6));
    const file = path.join(dir, 'cut.ndjson.gz');
    await writeFile(file, cut);
    // Independent reference: zlib's one-shot decoder with SYNC_FLUSH returns what the cut stream holds.
    const decodable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    const completeLines = decodable.split('\n').length - 1;
    const partial = decodable.slice(decodable.lastIndexOf('\n') + 1);

    const reader = createNdjsonReader({ path: file, format: 'ndjson', gzip: true }, OPTIONS);
    const records = await readAll(reader);
    const parsed = records.filter((r): r is ParsedRecord => !('reject' in r));
    expect(parsed).toHaveLength(completeLines);
    expect(parsed.map((r) => (r.value as { n: number }).n)).toEqual(
      Array.from({ length: completeLines }, (_, i) => i),
    );
    const last = records.at(-1) as FramedRecord;
    expect(last).toMatchObject({ reject: 'truncated', raw: partial, line: completeLines + 1 });
    expect(reader.warnings).toHaveLength(1);
    expect(reader.warnings[0]!.code).toBe('SL_INGEST_TRUNCATED_INPUT');
    expect(reader.warnings[0]!.message).toContain('cut.ndjson.gz');
    expect(reader.warnings[0]!.message).toContain('unexpected end of file');
  });

  it('sniffs gzip on standard input by its magic bytes', async () => {
    const compressed = gzipSync('{"a":1}\n{"a":2}\n');
    const stdin = chunked(compressed, 1); // even one byte at a time
    const reader = createNdjsonReader({ path: '-', format: 'ndjson', gzip: false }, OPTIONS, {
      stdin: toAsync(stdin),
    });
    expect(summary(await readAll(reader))).toEqual([
      { ordinal: 0, line: 1, value: { a: 1 }, bytes: 7 },
      { ordinal: 1, line: 2, value: { a: 2 }, bytes: 7 },
    ]);
  });
});

async function* toAsync(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}
