import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonReader, frameJson } from './json-array-reader.ts';
import { MAX_RAW_BYTES } from './raw-excerpt.ts';
import { bytesOf, chunked, readAll, summary, tempDir } from './reader-test-kit.ts';
import type { BrokenRecord, InputWarning, ReaderOptions } from './types.ts';

const OPTIONS: ReaderOptions = { maxRecordBytes: 1024 * 1024 };

async function frame(chunks: (string | Buffer)[], options: Partial<ReaderOptions> = {}, failure?: string) {
  const warnings: InputWarning[] = [];
  const records = await readAll(frameJson(bytesOf(chunks, failure), { ...OPTIONS, ...options }, warnings));
  return { records, warnings };
}

const TRICKY = `[
  {"id": 1, "s": "a]b}c", "q": "say \\"hi\\" [not a bracket]", "n": [1, [2, [3]], {"x": "]"}]},
  {"id": 2, "path": "C:\\\\dir\\\\", "after": "x"},
  "just a string with \\\\\\" and ]",
  42, -1.5e3, true, null,
  [ "nested", {"a": []} ],
  {"id": 3, "emoji": "😀", "unicode": "\\u005d"}
]
`;

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('JSON arrays', () => {
  it('streams each element, with brackets and escaped quotes inside strings, as a record', async () => {
    const { records, warnings } = await frame([TRICKY]);
    const expected = JSON.parse(TRICKY) as unknown[];
    expect(records.map((r) => ('value' in r ? r.value : r))).toEqual(expected);
    expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5, 5, 5, 5, 6, 7]);
    expect(records.map((r) => r.ordinal)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(warnings).toEqual([]);
  });

  it('gives each element its raw text and byte length', async () => {
    const { records } = await frame(['[{"a":"é"} , 7]']);
    expect(records).toEqual([
      { ordinal: 0, line: 1, value: { a: 'é' }, bytes: 10, raw: '{"a":"é"}' },
      { ordinal: 1, line: 1, value: 7, bytes: 1, raw: '7' },
    ]);
  });

  it('frames the same records whatever the chunk boundaries', async () => {
    const whole = summary((await frame([TRICKY])).records);
    for (const size of [1, 2, 3, 7, 64]) {
      expect(summary((await frame(chunked(TRICKY, size))).records)).toEqual(whole);
    }
  });

  it('reads an empty array, an empty input and whitespace as no records', async () => {
    for (const text of ['[]', '  [ \n ] \n', '', ' \n\t']) {
      expect(await frame([text])).toEqual({ records: [], warnings: [] });
    }
  });

  it('skips a BOM and ignores a trailing comma', async () => {
    const { records } = await frame(['\uFEFF[{"a":1},]']);
    expect(summary(records)).toEqual([{ ordinal: 0, line: 1, value: { a: 1 }, bytes: 7 }]);
  });

  it('rejects text after the closing bracket as invalid_json, keeping the elements', async () => {
    const { records } = await frame(['[{"a":1}]\n{"b":2}\n']);
    expect(records[0]).toMatchObject({ value: { a: 1 } });
    expect(records[1]).toEqual({
      ordinal: 1,
      line: 2,
      reject: 'invalid_json',
      raw: '{"b":2}\n',
      bytes: 8,
      detail: 'unexpected text after the end of the JSON array',
    });
  });

  it('flags an element cut off by the end of input as truncated and warns that the array is not closed', async () => {
    const { records, warnings } = await frame(['[{"a":1},\n {"b":[1,2']);
    expect(records[1]).toEqual({
      ordinal: 1,
      line: 2,
      reject: 'truncated',
      raw: '{"b":[1,2',
      bytes: 9,
      detail: 'the input ends inside this element',
    });
    expect(warnings).toEqual([
      { code: 'SL_INGEST_TRUNCATED_INPUT', message: 'the JSON array is not closed (no final "]")' },
    ]);
  });

  it('warns about an array that ends after a complete element without its bracket', async () => {
    const { records, warnings } = await frame(['[{"a":1}, {"a":2}']);
    expect(records).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });

  it('rejects a missing comma and an empty slot, losing nothing', async () => {
    const { records } = await frame(['[{"a":1} {"a":2},,{"a":3}]']);
    expect(records).toMatchObject([
      { ordinal: 0, value: { a: 1 } },
      {
        ordinal: 1,
        reject: 'invalid_json',
        raw: '{"a":2}',
        detail: 'expected "," or "]" before this element',
      },
      { ordinal: 2, reject: 'invalid_json', raw: '', detail: 'empty array element (",,")' },
      { ordinal: 3, value: { a: 3 } },
    ]);
  });

  it('rejects a malformed element with the parser message and reads on', async () => {
    const { records } = await frame(['[{"a":}, {"a":2}, tru]']);
    expect(records[0]).toMatchObject({ reject: 'invalid_json', raw: '{"a":}' });
    expect(records[1]).toMatchObject({ value: { a: 2 } });
    expect(records[2]).toMatchObject({ reject: 'invalid_json', raw: 'tru' });
  });

  it('rejects invalid UTF-8 in an element', async () => {
    const input = Buffer.concat([
      Buffer.from('[{"a":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}, {"a":1}]'),
    ]);
    const { records } = await frame([input]);
    expect(records[0]).toMatchObject({ reject: 'invalid_utf8', raw: '{"a":"\uFFFD("}' });
    expect(records[1]).toMatchObject({ value: { a: 1 } });
  });

  it('rejects an oversized element in bounded memory, also across chunks', async () => {
    const big = `{"a":"${'x'.repeat(3 * 1024 * 1024)}","b":"]"}`;
    const text = `[${big},\n{"c":1}]`;
    for (const chunks of [[text], chunked(text, 100 * 1024)]) {
      const { records } = await frame(chunks);
      const broken = records[0] as BrokenRecord;
      expect(broken).toMatchObject({ ordinal: 0, line: 1, reject: 'record_too_large', rawTruncated: true });
      expect(broken.bytes).toBe(big.length);
      expect(broken.raw).toBe(big.slice(0, MAX_RAW_BYTES));
      expect(records[1]).toMatchObject({ ordinal: 1, line: 2, value: { c: 1 } });
    }
  });

  it('counts but does not yield elements before `skip`', async () => {
    const { records } = await frame(['[1,2,3,4]'], { skip: 3 });
    expect(records).toMatchObject([{ ordinal: 3, value: 4 }]);
  });
});

describe('sniffing', () => {
  it('hands anything that does not start with "[" to the NDJSON framer', async () => {
    const { records } = await frame(['\uFEFF  \n{"a":1}\n{"a":2}\n']);
    expect(summary(records)).toEqual([
      { ordinal: 0, line: 2, value: { a: 1 }, bytes: 7 },
      { ordinal: 1, line: 3, value: { a: 2 }, bytes: 7 },
    ]);
    const other = await frame(['"a string"\nnope\n']);
    expect(other.records).toMatchObject([{ value: 'a string' }, { reject: 'invalid_json' }]);
  });

  it('sniffs past leading whitespace that spans chunks', async () => {
    const text = `${' '.repeat(20)}\n[{"a":1}]`;
    expect(summary((await frame(chunked(text, 4))).records)).toEqual([
      { ordinal: 0, line: 2, value: { a: 1 }, bytes: 7 },
    ]);
  });
});

describe('createJsonReader', () => {
  it('reads a .json file holding an array and one holding NDJSON', async () => {
    const array = path.join(dir, 'array.json');
    const ndjson = path.join(dir, 'lines.json');
    await writeFile(array, '[\n  {"a": 1},\n  {"a": 2}\n]\n');
    await writeFile(ndjson, '{"a": 1}\n{"a": 2}\n');
    const fromArray = await readAll(createJsonReader({ path: array, format: 'json', gzip: false }, OPTIONS));
    const fromLines = await readAll(createJsonReader({ path: ndjson, format: 'json', gzip: false }, OPTIONS));
    expect(fromArray.map((r) => [r.line, 'value' in r && r.value])).toEqual([
      [2, { a: 1 }],
      [3, { a: 2 }],
    ]);
    expect(fromLines.map((r) => [r.line, 'value' in r && r.value])).toEqual([
      [1, { a: 1 }],
      [2, { a: 2 }],
    ]);
  });

  it('names the file in the not-closed warning', async () => {
    const file = path.join(dir, 'open.json');
    await writeFile(file, '[{"a": 1}');
    const reader = createJsonReader({ path: file, format: 'json', gzip: false }, OPTIONS);
    await readAll(reader);
    expect(reader.warnings).toEqual([
      { code: 'SL_INGEST_TRUNCATED_INPUT', message: `${file}: the JSON array is not closed (no final "]")` },
    ]);
  });
});
