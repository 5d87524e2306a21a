import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMA, createCsvReader, csvDelimiterFor, frameCsv, TAB } from './csv-reader.ts';
import { MAX_RAW_BYTES } from './raw-excerpt.ts';
import { bytesOf, chunked, readAll, summary, tempDir } from './reader-test-kit.ts';
import type { BrokenRecord, InputWarning, ReaderOptions } from './types.ts';

const OPTIONS: ReaderOptions = { maxRecordBytes: 1024 * 1024 };

async function frame(chunks: (string | Buffer)[], options: Partial<ReaderOptions> = {}, delimiter = COMMA) {
  const warnings: InputWarning[] = [];
  const records = await readAll(frameCsv(bytesOf(chunks), { ...OPTIONS, ...options }, warnings, delimiter));
  return { records, warnings };
}

const QUOTED = [
  'user_id,event,note,timestamp',
  'u1,click,"hello, world",2024-03-01T10:00:00Z',
  'u2,view,"she said ""hi""",2024-03-01T10:00:01Z',
  'u3,"multi',
  'line',
  'note",,2024-03-01T10:00:02Z',
  'u4,buy,5" screen,2024-03-01T10:00:03Z',
  '',
].join('\r\n');

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('frameCsv', () => {
  it('keys rows by the header, leaves empty fields out and keeps the raw row', async () => {
    const { records } = await frame(['a,b,c\n1,,3\n']);
    expect(records).toEqual([{ ordinal: 0, line: 2, value: { a: '1', c: '3' }, bytes: 4, raw: '1,,3' }]);
  });

  it('reads quoted fields with commas, "" escapes and newlines, with CRLF line ends', async () => {
    const { records } = await frame([QUOTED]);
    expect(records.map((r) => ('value' in r ? [r.line, r.value] : r))).toEqual([
      [2, { user_id: 'u1', event: 'click', note: 'hello, world', timestamp: '2024-03-01T10:00:00Z' }],
      [3, { user_id: 'u2', event: 'view', note: 'she said "hi"', timestamp: '2024-03-01T10:00:01Z' }],
      [4, { user_id: 'u3', event: 'multi\r\nline\r\nnote', timestamp: '2024-03-01T10:00:02Z' }],
      [7, { user_id: 'u4', event: 'buy', note: '5" screen', timestamp: '2024-03-01T10:00:03Z' }],
    ]);
  });

  it('frames the same rows whatever the chunk boundaries', async () => {
    const whole = summary((await frame([QUOTED])).records);
    for (const size of [1, 2, 3, 5, 11]) {
      expect(summary((await frame(chunked(QUOTED, size))).records)).toEqual(whole);
    }
  });

  it('skips a BOM and blank lines (which still count as lines)', async () => {
    const { records } = await frame(['\uFEFFa,b\n\n1,2\r\n\r\n3,4']);
    expect(summary(records)).toEqual([
      { ordinal: 0, line: 3, value: { a: '1', b: '2' }, bytes: 3 },
      { ordinal: 1, line: 5, value: { a: '3', b: '4' }, bytes: 3 },
    ]);
  });

  it('reads TSV with a tab delimiter', async () => {
    const { records } = await frame(['a\tb\n1\t"x\ty"\n'], {}, TAB);
    expect(records[0]).toMatchObject({ value: { a: '1', b: 'x\ty' } });
  });

  it('rejects a row with another number of fields than the header as invalid_field', async () => {
    const { records } = await frame(['a,b\n1,2,3\n4\n5,6\n']);
    expect(records).toEqual([
      {
        ordinal: 0,
        line: 2,
        reject: 'invalid_field',
        raw: '1,2,3',
        bytes: 5,
        detail: 'the row has 3 fields, the header has 2',
      },
      {
        ordinal: 1,
        line: 3,
        reject: 'invalid_field',
        raw: '4',
        bytes: 1,
        detail: 'the row has 1 fields, the header has 2',
      },
      { ordinal: 2, line: 4, value: { a: '5', b: '6' }, bytes: 3, raw: '5,6' },
    ]);
  });

  it('rejects text after a closing quote as invalid_field', async () => {
    const { records } = await frame(['a,b\n"x"y,2\n']);
    expect(records[0]).toMatchObject({
      reject: 'invalid_field',
      detail: 'text after the closing quote of field 1',
    });
  });

  it('flags an unclosed quote at the end of input as truncated', async () => {
    const { records } = await frame(['a,b\n1,2\n3,"open\nstill open']);
    expect(records[1]).toEqual({
      ordinal: 1,
      line: 3,
      reject: 'truncated',
      raw: '3,"open\nstill open',
      bytes: 18,
      detail: 'a quoted field is not closed at the end of the input',
    });
  });

  it('reads a last row without a newline', async () => {
    expect((await frame(['a\n1\n2'])).records.map((r) => r.line)).toEqual([2, 3]);
  });

  it('rejects invalid UTF-8 in a row and reads on', async () => {
    const input = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xff]), Buffer.from('\n3,4\n')]);
    const { records } = await frame([input]);
    expect(records[0]).toMatchObject({ line: 2, reject: 'invalid_utf8', raw: '1,\uFFFD' });
    expect(records[1]).toMatchObject({ line: 3, value: { a: '3', b: '4' } });
  });

  it('rejects an oversized row keeping 64 KiB, even with a quoted newline inside it', async () => {
    const big = `"${'x'.repeat(200 * 1024)}\n${'y'.repeat(200 * 1024)}"`;
    const text = `a,b\n1,${big}\n5,6\n`;
    for (const chunks of [[text], chunked(text, 16 * 1024)]) {
      const { records } = await frame(chunks, { maxRecordBytes: 100 * 1024 });
      const broken = records[0] as BrokenRecord;
      expect(broken).toMatchObject({ ordinal: 0, line: 2, reject: 'record_too_large', rawTruncated: true });
      expect(broken.bytes).toBe(2 + big.length);
      expect(broken.raw.length).toBe(MAX_RAW_BYTES);
      expect(records[1]).toMatchObject({ ordinal: 1, line: 4, value: { a: '5', b: '6' } });
    }
  });

  it('renames empty and repeated column names, with a warning', async () => {
    const { records, warnings } = await frame([',id,id,id_2\n0,1,2,3\n']);
    expect(records[0]).toMatchObject({ value: { column_1: '0', id: '1', id_3: '2', id_2: '3' } });
    expect(warnings).toEqual([
      {
        code: 'SL_INGEST_CSV_HEADER',
        message: 'the CSV input: renamed empty or repeated columns: "" -> column_1, "id" -> id_3',
      },
    ]);
  });

  it('keeps a __proto__ column as data', async () => {
    const { records } = await frame(['__proto__,b\n1,2\n']);
    expect(JSON.stringify((records[0] as { value: unknown }).value)).toBe('{"__proto__":"1","b":"2"}');
  });

  it('counts but does not yield rows before `skip`', async () => {
    const { records } = await frame(['a\n1\n2\n3\n'], { skip: 2 });
    expect(records).toMatchObject([{ ordinal: 2, line: 4, value: { a: '3' } }]);
  });

  it('reads a header-only or empty input as no records', async () => {
    expect((await frame(['a,b\n'])).records).toEqual([]);
    expect((await frame([''])).records).toEqual([]);
  });
});

describe('createCsvReader', () => {
  it('picks the delimiter from the file name', async () => {
    expect([csvDelimiterFor('a.csv'), csvDelimiterFor('a.TSV'), csvDelimiterFor('a.tsv.gz')]).toEqual([
      COMMA,
      TAB,
      TAB,
    ]);
    const file = path.join(dir, 'events.tsv');
    await writeFile(file, 'user_id\tevent\nu1\tclick\n');
    const records = await readAll(createCsvReader({ path: file, format: 'csv', gzip: false }, OPTIONS));
    expect(records).toMatchObject([{ value: { user_id: 'u1', event: 'click' } }]);
  });

  it('throws SL_INGEST_READ_FAILED for a malformed header', async () => {
    const file = path.join(dir, 'bad-header.csv');
    await writeFile(file, '"a"b,c\n1,2\n');
    await expect(
      readAll(createCsvReader({ path: file, format: 'csv', gzip: false }, OPTIONS)),
    ).rejects.toMatchObject({
      code: 'SL_INGEST_READ_FAILED',
    });
  });
});
